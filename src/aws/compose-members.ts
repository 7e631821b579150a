import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AppDeps } from '../app/deps.js';
import type { MemberDepsSource } from '../app/members.js';
import type { MirrorConfig } from '../config/from-env.js';
import type { HubConfig, MemberSpec } from '../config/members.js';
import { memberKeyText, type MemberKey } from '../core/member.js';
import { HUB_LIMITER_DECREASE } from '../contract/queue.js';
import { systemClock } from '../ports/index.js';
import { clientSettingsFrom } from './clients.js';
import { appDepsFor, type ComposeOptions } from './compose.js';
import { RoleSessions } from './role-sessions.js';

export interface ComposeMembersOptions extends Omit<ComposeOptions, 'env'> {
  /** The hub's own configuration: every member's defaults (target, filter, scope, policy). */
  readonly config: MirrorConfig;
  readonly hub: HubConfig;
}

/**
 * One AppDeps per member account × Region, built at first use and kept (a warm Lambda keeps its
 * clients and what it learned per member). The member's role is assumed before its dependencies
 * are handed out, so that a member whose role cannot be assumed fails at once, alone, with the
 * AWS code (AccessDenied), instead of in the middle of its work.
 */
export function composeMemberDeps(options: ComposeMembersOptions): MemberDepsSource {
  const clock = options.clock ?? systemClock;
  const hubSettings = clientSettingsFrom(options.config, options.aws);
  const sts = new STSClient({
    maxAttempts: hubSettings.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: hubSettings.timeouts.connectMs,
      requestTimeout: hubSettings.timeouts.requestMs,
      throwOnRequestTimeout: true,
    }),
    ...(hubSettings.endpoint === undefined ? {} : { endpoint: hubSettings.endpoint }),
    ...(hubSettings.region === undefined ? {} : { region: hubSettings.region }),
    ...(hubSettings.credentials === undefined ? {} : { credentials: hubSettings.credentials }),
  });
  const sessions = new RoleSessions({ roleName: options.hub.roleName, ...(options.hub.externalId ? { externalId: options.hub.externalId } : {}), sts, clock });
  const registry = new Map<string, MemberSpec>(options.hub.members.map((member) => [memberKeyText(member), member]));
  const built = new Map<string, AppDeps>();

  const depsOf = (member: MemberKey): AppDeps => {
    const key = memberKeyText(member);
    let deps = built.get(key);
    if (!deps) {
      const spec = registry.get(key);
      const config: MirrorConfig = {
        ...options.config,
        session: {
          ...options.config.session,
          ...(spec?.targetId ? { targetId: spec.targetId } : {}),
          ...(spec?.filterId ? { filterId: spec.filterId } : {}),
        },
      };
      deps = appDepsFor(config, {
        ...options,
        pacing: { decrease: HUB_LIMITER_DECREASE },
        aws: { ...options.aws, region: member.region, credentials: () => sessions.credentialsFor(member) },
      });
      built.set(key, deps);
    }
    return deps;
  };

  return {
    members: options.hub.members,
    accepts: (member) => registry.size === 0 || registry.has(memberKeyText(member)),
    depsFor: async (member) => {
      await sessions.credentialsFor(member);
      return depsOf(member);
    },
  };
}
