/**
 * Deployment-wide settings, one document per name (`_id` = name). `getOrSetSetting` is one upsert
 * that writes only `$setOnInsert`: whichever insert happens first fixes the value, and every
 * caller, in any process, reads that value back.
 */
import { upsertOnce } from './errors';
import { text } from './filters';
import type { Models, SettingDoc } from './schemas';

export async function getOrSetSetting(m: Models, at: Date, name: string, value: string): Promise<string> {
  const doc = await upsertOnce(() =>
    m.settings
      .findOneAndUpdate(
        { _id: text(name) },
        { $setOnInsert: { value: text(value), createdAt: at, updatedAt: at } },
        { upsert: true, new: true, setDefaultsOnInsert: false },
      )
      .lean<SettingDoc>(),
  );
  if (!doc) throw new Error('MongoDB returned no document for an upsert');
  return doc.value;
}

export async function getSetting(m: Models, name: string): Promise<string | null> {
  const doc = await m.settings.findById(text(name)).lean<SettingDoc>();
  return doc?.value ?? null;
}

export async function setSetting(m: Models, at: Date, name: string, value: string): Promise<void> {
  await upsertOnce(() =>
    m.settings.updateOne(
      { _id: text(name) },
      { $set: { value: text(value), updatedAt: at }, $setOnInsert: { createdAt: at } },
      { upsert: true, setDefaultsOnInsert: false },
    ),
  );
}
