/**
 * A stand-in partner for server tests: it trusts a JSON identity posted to it and hands it to the
 * sink, so tests of the handoff, refusal pages and audit need no protocol. Mounted only in tests.
 */
import express from 'express';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import type { PartnerModule } from '../../src/server/partner-module';

export function directPartner(): PartnerModule {
  return {
    name: 'direct-test-partner',
    mount(app, ctx) {
      app.post('/launch/direct', express.json(), async (req, res) => {
        const { identity, productId, fail } = req.body as { identity?: LaunchIdentity; productId?: string; fail?: string };
        if (fail) {
          await ctx.sink.fail(req, res, { partner: 'canvas', reason: 'launch_invalid', check: fail, cause: `test failure ${fail}` });
          return;
        }
        await ctx.sink.complete(req, res, identity!, { productId });
      });
    },
  };
}
