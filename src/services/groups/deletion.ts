// Owns what account deletion does to groups (Nakama's GroupDeleteAll), inside the deletion transaction:
// a group whose last superadmin is the deleted user is deleted with all its edges (even if it has other
// members); from every other group the user's edges go, and edge_count drops when they were a member.
// Unlike Nakama (whose cleanup leaves admin and shared-superadmin edges behind and still lowers the
// count), every edge of the user is removed and the count follows what was removed.
import type { Queryable } from "../../storage/db.js";
import { deleteGroupRows } from "./manage.js";
import { GroupRole } from "./types.js";

export async function groupsDeletionStep(q: Queryable, userId: string): Promise<void> {
  const r = await q.query<{ id: string; state: number; others: boolean }>(
    `SELECT g.id, ge.state,
       EXISTS (SELECT 1 FROM group_edge o WHERE o.source_id = g.id AND o.destination_id <> $1 AND o.state = 0) AS others
     FROM groups g JOIN group_edge ge ON ge.source_id = g.id WHERE ge.destination_id = $1`,
    [userId],
  );
  for (const row of r.rows) {
    if (row.state === GroupRole.SUPERADMIN && !row.others) {
      await deleteGroupRows(q, row.id);
      continue;
    }
    await q.query(
      "DELETE FROM group_edge WHERE (source_id = $1 AND destination_id = $2) OR (source_id = $2 AND destination_id = $1)",
      [row.id, userId],
    );
    if (row.state < GroupRole.JOIN_REQUEST) {
      await q.query("UPDATE groups SET edge_count = edge_count - 1, update_time = now() WHERE id = $1", [row.id]);
    }
  }
}
