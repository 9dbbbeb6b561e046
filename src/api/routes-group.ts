// Owns the group REST routes (Bearer auth, each through the pipeline under its request name):
//   POST   /v2/group                       CreateGroup       → Group  (body: name, description, lang_tag, avatar_url, open, max_count)
//   PUT    /v2/group/{group_id}            UpdateGroup       → Empty  (body: name, description, lang_tag, avatar_url, open)
//   DELETE /v2/group/{group_id}            DeleteGroup       → Empty
//   POST   /v2/group/{group_id}/join       JoinGroup         → Empty
//   POST   /v2/group/{group_id}/leave      LeaveGroup        → Empty
//   POST   /v2/group/{group_id}/add        AddGroupUsers     → Empty  (?user_ids)   likewise ban, kick,
//          …/ban, …/kick, …/promote, …/demote  BanGroupUsers, KickGroupUsers, PromoteGroupUsers, DemoteGroupUsers
//   GET    /v2/group                       ListGroups        → GroupList     (?name&cursor&limit&lang_tag&members&open; limit 1–100, default 1)
//   GET    /v2/group/{group_id}/user       ListGroupUsers    → GroupUserList (?limit&state&cursor; 1–100, default 100)
//   GET    /v2/user/{user_id}/group        ListUserGroups    → UserGroupList (?limit&state&cursor; 1–100, default 100)
// Validation and error texts follow api_group.go; the work is src/services/groups. registerSocialRoutes
// registers these and the friend routes together.
import { api, toJson } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import { runPipeline } from "../pipeline/hooks.js";
import {
  addGroupUsers, banGroupUsers, createGroup, deleteGroup, demoteGroupUsers, GroupReason, joinGroup, kickGroupUsers,
  leaveGroup, listGroups, listGroupUsers, listUserGroups, promoteGroupUsers, updateGroup, type GroupsDeps,
} from "../services/groups/index.js";
import { parseUuid, SYSTEM_USER_ID } from "../session/uuid.js";
import { json, rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import type { HttpRequest } from "../transport/types.js";
import { verifySessionToken } from "./auth.js";
import { decodeBody, queryBool, queryScalar, queryString, queryValues, sessionContext } from "./request.js";
import { registerFriendRoutes, socialErrors, socialServiceDeps, type SocialRouteDeps } from "./routes-friend.js";
import { limitFrom, queryInt32 } from "./routes-storage.js";

const invalid = (message: string): GameError => new GameError(Code.INVALID_ARGUMENT, message);
type Reasons = Record<string, readonly [Code, string]>;

const DENIED: Reasons = { [GroupReason.permissionDenied]: [Code.NOT_FOUND, "Group not found or permission denied."] };
const FULL: Reasons = { [GroupReason.full]: [Code.INVALID_ARGUMENT, "Group is full."] };

function groupIdOf(id: string): string {
  if (id === "") throw invalid("Group ID must be set.");
  const g = parseUuid(id);
  if (g === null) throw invalid("Group ID must be a valid ID.");
  return g;
}

function userIdsOf(ids: readonly string[]): string[] {
  return ids.map((id) => {
    const u = parseUuid(id);
    if (u === null || u === SYSTEM_USER_ID) throw invalid("User ID must be a valid ID.");
    return u;
  });
}

function stateOf(state: number | undefined): number | undefined {
  if (state !== undefined && (state < 0 || state > 4)) throw invalid("Invalid state - state must be between 0 and 4.");
  return state;
}

type MemberOp = (deps: GroupsDeps, callerId: string | null, groupId: string, userIds: readonly string[]) => Promise<void>;

interface MemberRoute {
  path: string;
  name: string;
  op: MemberOp;
  verb: string;
  reasons: Reasons;
  /** DemoteGroupUsers refuses an empty list; the others accept it as a no-op. */
  requireIds: boolean;
}

const MEMBER_ROUTES: readonly MemberRoute[] = [
  { path: "add", name: "AddGroupUsers", op: addGroupUsers, verb: "add users to", requireIds: false, reasons: {
    ...DENIED, ...FULL, [GroupReason.userNotFound]: [Code.INVALID_ARGUMENT, "One or more users not found."],
  } },
  { path: "ban", name: "BanGroupUsers", op: banGroupUsers, verb: "ban users from", requireIds: false, reasons: DENIED },
  { path: "kick", name: "KickGroupUsers", op: kickGroupUsers, verb: "kick users from", requireIds: false, reasons: DENIED },
  { path: "promote", name: "PromoteGroupUsers", op: promoteGroupUsers, verb: "promote users in", requireIds: false, reasons: { ...DENIED, ...FULL } },
  { path: "demote", name: "DemoteGroupUsers", op: demoteGroupUsers, verb: "demote users in", requireIds: true, reasons: { ...DENIED, ...FULL } },
];

/** Registers the friend and the group routes (main.ts's one call for both domains). */
export function registerSocialRoutes(router: Router, deps: SocialRouteDeps): void {
  registerFriendRoutes(router, deps);
  registerGroupRoutes(router, deps);
}

export function registerGroupRoutes(router: Router, deps: SocialRouteDeps): void {
  const core: GroupsDeps = { ...socialServiceDeps(deps, "groups"), channel: deps.groupChannel };
  const session = (req: HttpRequest) => verifySessionToken(deps.sessions, req.headers["authorization"]);
  const guard = <T>(text: string, fn: () => Promise<T>, reasons: Reasons = {}): Promise<T> => socialErrors(core.log, text, fn, reasons);

  router.add("POST", "/v2/group", async ({ req }) => {
    const request = decodeBody(req, api.CreateGroupRequest);
    const caller = session(req);
    const group = await runPipeline(deps.pipeline, "CreateGroup", sessionContext(req, caller), request, async (r) => {
      if (r.name === "") throw invalid("Group name must be set.");
      if (r.max_count < 0) throw invalid("Group max count must be >= 1 when set.");
      return guard("Error while trying to create group.", () => createGroup(core, {
        userId: caller.userId, creatorId: caller.userId, name: r.name, langTag: r.lang_tag, description: r.description,
        avatarUrl: r.avatar_url, metadata: "", open: r.open, maxCount: r.max_count === 0 ? 100 : r.max_count,
      }), { [GroupReason.nameInUse]: [Code.ALREADY_EXISTS, "Group name is in use."] });
    });
    return rawJson(toJson(api.Group, group));
  });

  router.add("PUT", "/v2/group/{group_id}", async ({ req, params }) => {
    const request: api.UpdateGroupRequest = { ...decodeBody(req, api.UpdateGroupRequest), group_id: params.group_id };
    const caller = session(req);
    await runPipeline(deps.pipeline, "UpdateGroup", sessionContext(req, caller), request, async (r) => {
      const groupId = groupIdOf(r.group_id);
      if (r.name !== undefined && r.name === "") throw invalid("Group name cannot be empty.");
      if (r.lang_tag !== undefined && r.lang_tag === "") throw invalid("Group language cannot be empty.");
      await guard("Error while trying to update group.", () => updateGroup(core, {
        groupId, callerId: caller.userId, name: r.name, langTag: r.lang_tag, description: r.description,
        avatarUrl: r.avatar_url, open: r.open,
      }), {
        [GroupReason.permissionDenied]: [Code.NOT_FOUND, "Group not found or you're not allowed to update."],
        [GroupReason.noUpdateOps]: [Code.INVALID_ARGUMENT, "Specify at least one field to update."],
        [GroupReason.notUpdated]: [Code.INVALID_ARGUMENT, "No new fields in group update."],
        [GroupReason.nameInUse]: [Code.INVALID_ARGUMENT, "Group name is in use."],
      });
      return {};
    });
    return json({});
  });

  router.add("DELETE", "/v2/group/{group_id}", async ({ req, params }) => {
    const request: api.DeleteGroupRequest = { group_id: params.group_id };
    const caller = session(req);
    await runPipeline(deps.pipeline, "DeleteGroup", sessionContext(req, caller), request, async (r) => {
      const groupId = groupIdOf(r.group_id);
      await guard("Error while trying to delete group.", () => deleteGroup(core, groupId, caller.userId), {
        [GroupReason.permissionDenied]: [Code.INVALID_ARGUMENT, "Group not found or you're not allowed to delete."],
      });
      return {};
    });
    return json({});
  });

  router.add("POST", "/v2/group/{group_id}/join", async ({ req, params }) => {
    const request: api.JoinGroupRequest = { group_id: params.group_id };
    const caller = session(req);
    await runPipeline(deps.pipeline, "JoinGroup", sessionContext(req, caller), request, async (r) => {
      const groupId = groupIdOf(r.group_id);
      await guard("Error while trying to join group.", () => joinGroup(core, groupId, caller.userId, caller.username), {
        [GroupReason.notFound]: [Code.NOT_FOUND, "Group not found."], ...FULL,
      });
      return {};
    });
    return json({});
  });

  router.add("POST", "/v2/group/{group_id}/leave", async ({ req, params }) => {
    const request: api.LeaveGroupRequest = { group_id: params.group_id };
    const caller = session(req);
    await runPipeline(deps.pipeline, "LeaveGroup", sessionContext(req, caller), request, async (r) => {
      const groupId = groupIdOf(r.group_id);
      await guard("Error while trying to leave group.", () => leaveGroup(core, groupId, caller.userId, caller.username), {
        [GroupReason.lastSuperadmin]: [Code.INVALID_ARGUMENT, "Cannot leave group when you are the last superadmin."],
      });
      return {};
    });
    return json({});
  });

  for (const m of MEMBER_ROUTES) {
    router.add("POST", `/v2/group/{group_id}/${m.path}`, async ({ req, params }) => {
      const request = { group_id: params.group_id, user_ids: queryValues(req, "user_ids") };
      const caller = session(req);
      await runPipeline(deps.pipeline, m.name, sessionContext(req, caller), request, async (r) => {
        const groupId = groupIdOf(r.group_id);
        if (r.user_ids.length === 0) {
          if (m.requireIds) throw invalid("User IDs must be set.");
          return {};
        }
        const userIds = userIdsOf(r.user_ids);
        await guard(`Error while trying to ${m.verb} a group.`, () => m.op(core, caller.userId, groupId, userIds), m.reasons);
        return {};
      });
      return json({});
    });
  }

  registerGroupListRoutes(router, deps, core, guard);
}

function registerGroupListRoutes(
  router: Router, deps: SocialRouteDeps, core: GroupsDeps,
  guard: <T>(text: string, fn: () => Promise<T>, reasons?: Reasons) => Promise<T>,
): void {
  const session = (req: HttpRequest) => verifySessionToken(deps.sessions, req.headers["authorization"]);

  router.add("GET", "/v2/group", async ({ req }) => {
    const request: api.ListGroupsRequest = {
      name: queryString(req, "name"), cursor: queryString(req, "cursor"), limit: queryInt32(req, "limit"),
      lang_tag: queryString(req, "lang_tag"), members: queryInt32(req, "members"), open: queryBool(req, "open"),
    };
    const caller = session(req);
    const list = await runPipeline(deps.pipeline, "ListGroups", sessionContext(req, caller), request, async (r) => {
      const limit = limitFrom(r.limit, 1, 100);
      return guard("Error while trying to list groups.", () => listGroups(core, {
        name: r.name, langTag: r.lang_tag, open: r.open, members: r.members ?? -1, limit, cursor: r.cursor,
      }), {
        [GroupReason.malformedCursor]: [Code.INVALID_ARGUMENT, "Malformed cursor was used."],
        [GroupReason.nameFilterCombined]: [Code.INVALID_ARGUMENT, "name filter cannot be combined with any other filter"],
      });
    });
    return rawJson(toJson(api.GroupList, list));
  });

  router.add("GET", "/v2/group/{group_id}/user", async ({ req, params }) => {
    const request: api.ListGroupUsersRequest = {
      group_id: params.group_id, limit: queryInt32(req, "limit"), state: queryInt32(req, "state"), cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = session(req);
    const list = await runPipeline(deps.pipeline, "ListGroupUsers", sessionContext(req, caller), request, async (r) => {
      const groupId = groupIdOf(r.group_id);
      const limit = limitFrom(r.limit, 100, 100);
      const state = stateOf(r.state);
      return guard("Error while trying to list users in a group.", () => listGroupUsers(core, groupId, { limit, state, cursor: r.cursor }), {
        [GroupReason.userInvalidCursor]: [Code.INVALID_ARGUMENT, "Cursor is invalid."],
      });
    });
    return rawJson(toJson(api.GroupUserList, list));
  });

  router.add("GET", "/v2/user/{user_id}/group", async ({ req, params }) => {
    const request: api.ListUserGroupsRequest = {
      user_id: params.user_id, limit: queryInt32(req, "limit"), state: queryInt32(req, "state"), cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = session(req);
    const list = await runPipeline(deps.pipeline, "ListUserGroups", sessionContext(req, caller), request, async (r) => {
      if (r.user_id === "") throw invalid("User ID must be set.");
      const userId = parseUuid(r.user_id);
      if (userId === null) throw invalid("Group ID must be a valid ID."); // sic: Nakama's text
      const limit = limitFrom(r.limit, 100, 100);
      const state = stateOf(r.state);
      return guard("Error while trying to list groups for a user.", () => listUserGroups(core, userId, { limit, state, cursor: r.cursor }), {
        [GroupReason.userGroupInvalidCursor]: [Code.INVALID_ARGUMENT, "Cursor is invalid."],
      });
    });
    return rawJson(toJson(api.UserGroupList, list));
  });
}
