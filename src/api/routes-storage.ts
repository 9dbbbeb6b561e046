// Owns the storage REST routes (Bearer auth, each through the pipeline under its request name):
//   PUT  /v2/storage                      WriteStorageObjects   → StorageObjectAcks
//   POST /v2/storage                      ReadStorageObjects    → StorageObjects
//   PUT  /v2/storage/delete               DeleteStorageObjects  → Empty
//   GET  /v2/storage/{collection}         ListStorageObjects    → StorageObjectList (?user_id&limit&cursor)
//   GET  /v2/storage/{collection}/{user_id} ListStorageObjects  → StorageObjectList (?limit&cursor)
// Validation and error texts follow api_storage.go; the work is src/services/storage.
import { api, toJson } from "../../proto/index.js";
import { Code, GameError } from "../errors.js";
import type { Logger } from "../log.js";
import { runPipeline, type PipelineDeps } from "../pipeline/hooks.js";
import {
  ClientText, clientDeleteOps, clientReadIds, clientWriteOps, deleteObjects, listObjects, readObjects, storageCore, writeObjects,
  type StorageIndexSink,
} from "../services/storage/index.js";
import type { SessionService } from "../session/service.js";
import { parseUuid } from "../session/uuid.js";
import type { Db } from "../storage/db.js";
import { json, rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import type { HttpRequest } from "../transport/types.js";
import { verifySessionToken } from "./auth.js";
import { storageObjectsJson } from "./storage-json.js";
import { decodeBody, queryScalar, sessionContext } from "./request.js";

export interface StorageRouteDeps {
  db: Db;
  log: Logger;
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** The server's storage indexes, told of every committed write and delete. */
  storageIndexes?: StorageIndexSink;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** A google.protobuf.Int32Value query parameter as grpc-gateway parses it; undefined when absent. */
export function queryInt32(req: HttpRequest, name: string): number | undefined {
  const v = queryScalar(req, name);
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v)) {
    throw new GameError(Code.INVALID_ARGUMENT, `parsing field "${name}": strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  const n = Number(v);
  if (n < INT32_MIN || n > INT32_MAX) {
    throw new GameError(Code.INVALID_ARGUMENT, `parsing field "${name}": strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  }
  return n;
}

/** A `limit` Int32Value with Nakama's range check and default. */
export function limitFrom(limit: number | undefined, dflt: number, max: number): number {
  if (limit === undefined) return dflt;
  if (limit < 1 || limit > max) throw new GameError(Code.INVALID_ARGUMENT, `Invalid limit - limit must be between 1 and ${max}.`);
  return limit;
}

export function registerStorageRoutes(router: Router, deps: StorageRouteDeps): void {
  const core = storageCore({ db: deps.db, log: deps.log.child({ module: "storage" }), index: deps.storageIndexes });

  router.add("PUT", "/v2/storage", async ({ req }) => {
    const request = decodeBody(req, api.WriteStorageObjectsRequest);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const acks = await runPipeline(deps.pipeline, "WriteStorageObjects", sessionContext(req, caller), request, async (r) => {
      if (r.objects.length === 0) return { acks: [] };
      const ops = clientWriteOps(caller.userId, r.objects);
      return { acks: await writeObjects(core, ops, { authoritative: false }) } satisfies api.StorageObjectAcks;
    });
    return rawJson(toJson(api.StorageObjectAcks, acks));
  });

  router.add("POST", "/v2/storage", async ({ req }) => {
    const request = decodeBody(req, api.ReadStorageObjectsRequest);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const objects = await runPipeline(deps.pipeline, "ReadStorageObjects", sessionContext(req, caller), request, async (r) => {
      if (r.object_ids.length === 0) return { objects: [] };
      return { objects: await readObjects(core, caller.userId, clientReadIds(r.object_ids)) } satisfies api.StorageObjects;
    });
    return rawJson(storageObjectsJson(objects.objects));
  });

  router.add("PUT", "/v2/storage/delete", async ({ req }) => {
    const request = decodeBody(req, api.DeleteStorageObjectsRequest);
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "DeleteStorageObjects", sessionContext(req, caller), request, async (r) => {
      if (r.object_ids.length === 0) return {};
      await deleteObjects(core, clientDeleteOps(caller.userId, r.object_ids), { authoritative: false });
      return {};
    });
    return json({});
  });

  const list = async (req: HttpRequest, collection: string, userId: string): Promise<string> => {
    const request: api.ListStorageObjectsRequest = {
      user_id: userId,
      collection,
      limit: queryInt32(req, "limit"),
      cursor: queryScalar(req, "cursor") ?? "",
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const page = await runPipeline(deps.pipeline, "ListStorageObjects", sessionContext(req, caller), request, async (r) => {
      const limit = limitFrom(r.limit, 1, 100);
      let ownerId: string | null = null;
      if (r.user_id !== "") {
        ownerId = parseUuid(r.user_id);
        if (ownerId === null) throw new GameError(Code.INVALID_ARGUMENT, ClientText.userId);
      }
      return listObjects(core, { callerId: caller.userId, ownerId, collection: r.collection, limit, cursor: r.cursor });
    });
    return toJson(api.StorageObjectList, page);
  };

  router.add("GET", "/v2/storage/{collection}", async ({ req, params }) =>
    rawJson(await list(req, params.collection, queryScalar(req, "user_id") ?? "")),
  );
  router.add("GET", "/v2/storage/{collection}/{user_id}", async ({ req, params }) =>
    rawJson(await list(req, params.collection, params.user_id)),
  );
}
