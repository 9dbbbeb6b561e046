// Owns the notification REST routes (Bearer auth, through the pipeline under their request names):
//   GET    /v2/notification  ListNotifications   → NotificationList (?limit&cacheable_cursor)
//   DELETE /v2/notification  DeleteNotifications → Empty            (?ids=…&ids=…)
// Validation and error texts follow api_notification.go; the work is src/services/notifications.
import { api, toJson } from "../../proto/index.js";
import type { Logger } from "../log.js";
import { runPipeline, type PipelineDeps } from "../pipeline/hooks.js";
import { deleteNotifications, listNotifications, type NotifyAllFn, type NotifyFn } from "../services/notifications/index.js";
import type { SessionService } from "../session/service.js";
import type { Db } from "../storage/db.js";
import { json, rawJson } from "../transport/json.js";
import type { Router } from "../transport/router.js";
import { verifySessionToken } from "./auth.js";
import { queryScalar, queryValues, sessionContext } from "./request.js";
import { limitFrom, queryInt32 } from "./routes-storage.js";

export interface NotificationRouteDeps {
  db: Db;
  log: Logger;
  pipeline: PipelineDeps;
  sessions: SessionService;
  /** Not used by these routes; accepted so one deps object serves the whole domain. */
  notify?: NotifyFn;
  notifyAll?: NotifyAllFn;
}

export function registerNotificationRoutes(router: Router, deps: NotificationRouteDeps): void {
  const core = { db: deps.db, log: deps.log.child({ module: "notifications" }) };

  router.add("GET", "/v2/notification", async ({ req }) => {
    const request: api.ListNotificationsRequest = {
      limit: queryInt32(req, "limit"),
      cacheable_cursor: queryScalar(req, "cacheable_cursor") ?? "",
    };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    const list = await runPipeline(deps.pipeline, "ListNotifications", sessionContext(req, caller), request, async (r) =>
      listNotifications(core, caller.userId, limitFrom(r.limit, 1, 100), r.cacheable_cursor),
    );
    return rawJson(toJson(api.NotificationList, list));
  });

  router.add("DELETE", "/v2/notification", async ({ req }) => {
    const request: api.DeleteNotificationsRequest = { ids: queryValues(req, "ids") };
    const caller = verifySessionToken(deps.sessions, req.headers["authorization"]);
    await runPipeline(deps.pipeline, "DeleteNotifications", sessionContext(req, caller), request, async (r) => {
      await deleteNotifications(core, caller.userId, r.ids);
      return {};
    });
    return json({});
  });
}
