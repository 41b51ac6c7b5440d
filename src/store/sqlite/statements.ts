/**
 * Every fixed SQL statement of the store, prepared once after the schema exists. Filters on small
 * tables use `(@x IS NULL OR col = @x)` so one statement serves every combination; the large
 * tables (users, audit) build their WHERE clause in ./filters instead, so indexes are used.
 */
import type Database from 'better-sqlite3';
import type {
  ApiTokenRow,
  AuditRow,
  ConnectionRow,
  DirectoryRow,
  DomainRow,
  EntitlementRow,
  ExternalIdentityRow,
  LicenseRow,
  OrganizationRow,
  UserRow,
} from './rows';

type Stmt<P, R = unknown> = Database.Statement<[P], R>;
type Positional<P extends unknown[], R = unknown> = Database.Statement<P, R>;

export interface Statements {
  insertOrganization: Stmt<OrganizationRow, OrganizationRow>;
  getOrganization: Positional<[string], OrganizationRow>;
  listOrganizations: Positional<[], OrganizationRow>;
  listOrganizationsByIds: Positional<[string], OrganizationRow>;

  upsertEntitlement: Stmt<{ orgId: string; productId: string; seats: number | null; now: number }, EntitlementRow>;
  getEntitlement: Positional<[string, string], EntitlementRow>;
  listEntitlements: Positional<[string], EntitlementRow>;
  deleteEntitlement: Positional<[string, string]>;
  countLicenses: Positional<[string, string], number>;

  insertDirectory: Stmt<DirectoryRow, DirectoryRow>;
  getDirectory: Positional<[string], DirectoryRow>;
  listDirectories: Positional<[string], DirectoryRow>;
  updateDirectory: Stmt<{ id: string; name: string | null; jitEnabled: number | null; now: number }, DirectoryRow>;

  insertDomain: Stmt<DomainRow, DomainRow>;
  getDomain: Positional<[string], DomainRow>;
  findDomainByName: Positional<[string], DomainRow>;
  findVerifiedDomain: Positional<[string], DomainRow>;
  deleteOtherPendingDomains: Stmt<{ id: string; name: string }, DomainRow>;
  listDomains: Stmt<{ orgId: string | null; directoryId: string | null }, DomainRow>;
  markDomainVerified: Stmt<{ id: string; by: string; at: number }, DomainRow>;
  deleteDomain: Positional<[string]>;

  insertConnection: Stmt<ConnectionRow, ConnectionRow>;
  updateConnection: Stmt<Omit<ConnectionRow, 'partner' | 'created_at'> & { partner: string }, ConnectionRow>;
  getConnection: Positional<[string], ConnectionRow>;
  findConnectionByKey: Positional<[string], ConnectionRow>;
  findCanvasConnections: Positional<[string, string], ConnectionRow>;
  listConnections: Stmt<
    { orgId: string | null; directoryId: string | null; status: string | null; partner: string | null },
    ConnectionRow
  >;
  deleteConnection: Positional<[string]>;
  keyOwner: Positional<[string], string>;
  insertKey: Positional<[string, string]>;
  deleteKeys: Positional<[string]>;

  insertUser: Stmt<UserRow, UserRow>;
  updateUser: Stmt<UserRow, UserRow>;
  getUser: Positional<[string], UserRow>;
  findUserByIdentity: Positional<[string, string], UserRow>;
  findUserByEmail: Positional<[string, string], UserRow>;
  setUserStatus: Positional<[string, number, string], UserRow>;
  insertIdentity: Stmt<ExternalIdentityRow, ExternalIdentityRow>;
  identityOwner: Positional<[string, string], string>;
  listIdentities: Positional<[string], ExternalIdentityRow>;

  insertLicense: Stmt<LicenseRow, LicenseRow>;
  getLicense: Positional<[string, string], LicenseRow>;
  listLicenses: Stmt<{ userId: string | null; orgId: string | null; productId: string | null }, LicenseRow>;
  deleteLicense: Positional<[string, string]>;

  insertAudit: Stmt<Omit<AuditRow, 'seq'>, AuditRow>;
  getAudit: Positional<[string], AuditRow>;

  insertApiToken: Stmt<ApiTokenRow, ApiTokenRow>;
  findApiTokenByHash: Positional<[string], ApiTokenRow>;
  listApiTokens: Stmt<{ anyOrg: number; orgId: string | null; role: string | null }, ApiTokenRow>;
  revokeApiToken: Positional<[number, string]>;
  touchApiToken: Positional<[number, string]>;

  insertSettingIfAbsent: Positional<[string, string]>;
  getSetting: Positional<[string], string>;
  setSetting: Positional<[string, string]>;

  ping: Positional<[], number>;
  configGeneration: Positional<[], number>;
}

const ORGANIZATION_COLUMNS = '(id, name, created_at) VALUES (@id, @name, @created_at)';
const DIRECTORY_COLUMNS =
  '(id, org_id, name, jit_enabled, created_at, updated_at) VALUES (@id, @org_id, @name, @jit_enabled, @created_at, @updated_at)';
const DOMAIN_COLUMNS = `(id, org_id, directory_id, name, status, verification_token, verified_at, verified_by, created_at)
  VALUES (@id, @org_id, @directory_id, @name, @status, @verification_token, @verified_at, @verified_by, @created_at)`;
const CONNECTION_COLUMNS = `(id, partner, status, org_id, directory_id, settings, enabled, trust_email, label,
    canvas_issuer, canvas_client_id, created_at, updated_at)
  VALUES (@id, @partner, @status, @org_id, @directory_id, @settings, @enabled, @trust_email, @label,
    @canvas_issuer, @canvas_client_id, @created_at, @updated_at)`;
const USER_COLUMNS = `(id, org_id, directory_id, email, given_name, family_name, display_name, roles, raw_roles,
    status, created_by, last_launch_at, created_at, updated_at)
  VALUES (@id, @org_id, @directory_id, @email, @given_name, @family_name, @display_name, @roles, @raw_roles,
    @status, @created_by, @last_launch_at, @created_at, @updated_at)`;
const AUDIT_COLUMNS = `(id, time, kind, org_id, directory_id, connection_id, partner, subject, email, user_id,
    product_id, decision, reason, request_id, actor, detail)
  VALUES (@id, @time, @kind, @org_id, @directory_id, @connection_id, @partner, @subject, @email, @user_id,
    @product_id, @decision, @reason, @request_id, @actor, @detail)`;

export function prepareStatements(db: Database.Database): Statements {
  return {
    insertOrganization: db.prepare(`INSERT INTO organizations ${ORGANIZATION_COLUMNS} RETURNING *`),
    getOrganization: db.prepare('SELECT * FROM organizations WHERE id = ?'),
    listOrganizations: db.prepare('SELECT * FROM organizations ORDER BY created_at, rowid'),
    listOrganizationsByIds: db.prepare(
      'SELECT * FROM organizations WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid',
    ),

    upsertEntitlement: db.prepare(`
      INSERT INTO entitlements (org_id, product_id, seats, created_at, updated_at)
      VALUES (@orgId, @productId, @seats, @now, @now)
      ON CONFLICT (org_id, product_id) DO UPDATE SET seats = excluded.seats, updated_at = excluded.updated_at
      RETURNING *`),
    getEntitlement: db.prepare('SELECT * FROM entitlements WHERE org_id = ? AND product_id = ?'),
    listEntitlements: db.prepare('SELECT * FROM entitlements WHERE org_id = ? ORDER BY product_id'),
    deleteEntitlement: db.prepare('DELETE FROM entitlements WHERE org_id = ? AND product_id = ?'),
    // Kept by triggers on licenses (migration 3): one row read, however many licenses there are.
    countLicenses: db
      .prepare<[string, string], number>(
        'SELECT coalesce((SELECT used FROM license_counts WHERE org_id = ? AND product_id = ?), 0)',
      )
      .pluck(),

    insertDirectory: db.prepare(`INSERT INTO directories ${DIRECTORY_COLUMNS} RETURNING *`),
    getDirectory: db.prepare('SELECT * FROM directories WHERE id = ?'),
    listDirectories: db.prepare('SELECT * FROM directories WHERE org_id = ? ORDER BY created_at, rowid'),
    updateDirectory: db.prepare(`
      UPDATE directories SET name = coalesce(@name, name), jit_enabled = coalesce(@jitEnabled, jit_enabled),
        updated_at = @now
      WHERE id = @id RETURNING *`),

    insertDomain: db.prepare(`INSERT INTO domains ${DOMAIN_COLUMNS} RETURNING *`),
    getDomain: db.prepare('SELECT * FROM domains WHERE id = ?'),
    // The verified claim first; else the oldest pending one.
    findDomainByName: db.prepare(`
      SELECT * FROM domains WHERE name = ? ORDER BY status = 'verified' DESC, created_at, rowid LIMIT 1`),
    findVerifiedDomain: db.prepare(`SELECT * FROM domains WHERE name = ? AND status = 'verified'`),
    deleteOtherPendingDomains: db.prepare(`
      DELETE FROM domains WHERE name = @name AND status = 'pending' AND id <> @id RETURNING *`),
    listDomains: db.prepare(`
      SELECT * FROM domains
      WHERE (@orgId IS NULL OR org_id = @orgId) AND (@directoryId IS NULL OR directory_id = @directoryId)
      ORDER BY name`),
    markDomainVerified: db.prepare(`
      UPDATE domains SET status = 'verified', verified_at = @at, verified_by = @by WHERE id = @id RETURNING *`),
    deleteDomain: db.prepare('DELETE FROM domains WHERE id = ?'),

    insertConnection: db.prepare(`INSERT INTO connections ${CONNECTION_COLUMNS} RETURNING *`),
    updateConnection: db.prepare(`
      UPDATE connections SET partner = @partner, status = @status, org_id = @org_id, directory_id = @directory_id,
        settings = @settings, enabled = @enabled, trust_email = @trust_email, label = @label,
        canvas_issuer = @canvas_issuer, canvas_client_id = @canvas_client_id, updated_at = @updated_at
      WHERE id = @id RETURNING *`),
    getConnection: db.prepare('SELECT * FROM connections WHERE id = ?'),
    findConnectionByKey: db.prepare(
      'SELECT c.* FROM connection_keys k JOIN connections c ON c.id = k.connection_id WHERE k.key = ?',
    ),
    findCanvasConnections: db.prepare(
      'SELECT * FROM connections WHERE canvas_issuer = ? AND canvas_client_id = ? ORDER BY created_at, rowid',
    ),
    listConnections: db.prepare(`
      SELECT * FROM connections
      WHERE (@orgId IS NULL OR org_id = @orgId) AND (@directoryId IS NULL OR directory_id = @directoryId)
        AND (@status IS NULL OR status = @status) AND (@partner IS NULL OR partner = @partner)
      ORDER BY created_at, rowid`),
    deleteConnection: db.prepare('DELETE FROM connections WHERE id = ?'),
    keyOwner: db
      .prepare<[string], string>('SELECT connection_id FROM connection_keys WHERE key = ?')
      .pluck(),
    insertKey: db.prepare('INSERT INTO connection_keys (key, connection_id) VALUES (?, ?)'),
    deleteKeys: db.prepare('DELETE FROM connection_keys WHERE connection_id = ?'),

    insertUser: db.prepare(`INSERT INTO users ${USER_COLUMNS} RETURNING *`),
    updateUser: db.prepare(`
      UPDATE users SET email = @email, given_name = @given_name, family_name = @family_name,
        display_name = @display_name, roles = @roles, raw_roles = @raw_roles, status = @status,
        last_launch_at = @last_launch_at, updated_at = @updated_at
      WHERE id = @id RETURNING *`),
    getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
    findUserByIdentity: db.prepare(`
      SELECT u.* FROM external_identities i JOIN users u ON u.id = i.user_id
      WHERE i.connection_id = ? AND i.subject = ?`),
    findUserByEmail: db.prepare('SELECT * FROM users WHERE directory_id = ? AND email = ?'),
    setUserStatus: db.prepare('UPDATE users SET status = ?, updated_at = ? WHERE id = ? RETURNING *'),
    insertIdentity: db.prepare(`
      INSERT INTO external_identities (id, user_id, connection_id, partner, subject, created_at)
      VALUES (@id, @user_id, @connection_id, @partner, @subject, @created_at) RETURNING *`),
    identityOwner: db
      .prepare<[string, string], string>(
        'SELECT user_id FROM external_identities WHERE connection_id = ? AND subject = ?',
      )
      .pluck(),
    listIdentities: db.prepare('SELECT * FROM external_identities WHERE user_id = ? ORDER BY created_at, rowid'),

    insertLicense: db.prepare(`
      INSERT INTO licenses (id, user_id, org_id, directory_id, product_id, source, created_at)
      VALUES (@id, @user_id, @org_id, @directory_id, @product_id, @source, @created_at) RETURNING *`),
    getLicense: db.prepare('SELECT * FROM licenses WHERE user_id = ? AND product_id = ?'),
    listLicenses: db.prepare(`
      SELECT * FROM licenses
      WHERE (@userId IS NULL OR user_id = @userId) AND (@orgId IS NULL OR org_id = @orgId)
        AND (@productId IS NULL OR product_id = @productId)
      ORDER BY created_at, rowid`),
    deleteLicense: db.prepare('DELETE FROM licenses WHERE user_id = ? AND product_id = ?'),

    insertAudit: db.prepare(`INSERT INTO audit_events ${AUDIT_COLUMNS} RETURNING *`),
    getAudit: db.prepare('SELECT * FROM audit_events WHERE id = ?'),

    insertApiToken: db.prepare(`
      INSERT INTO api_tokens (id, name, role, org_id, token_hash, created_at, last_used_at, revoked_at)
      VALUES (@id, @name, @role, @org_id, @token_hash, @created_at, @last_used_at, @revoked_at) RETURNING *`),
    findApiTokenByHash: db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?'),
    // `IS` compares NULL to NULL as equal, so orgId = null selects operator tokens.
    listApiTokens: db.prepare(`
      SELECT * FROM api_tokens
      WHERE (@anyOrg = 1 OR org_id IS @orgId) AND (@role IS NULL OR role = @role)
      ORDER BY created_at, rowid`),
    revokeApiToken: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    touchApiToken: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),

    insertSettingIfAbsent: db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
    getSetting: db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck(),
    setSetting: db.prepare(
      'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),

    ping: db.prepare<[], number>('SELECT 1').pluck(),
    configGeneration: db.prepare<[], number>('SELECT value FROM config_generation WHERE id = 1').pluck(),
  };
}
