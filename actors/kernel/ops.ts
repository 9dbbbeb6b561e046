// Owns the message operations on refs: tell, ask (typed, with a deadline, failing fast), stop,
// stopChildren and per-actor metrics. Refs carry their kernel, so these are plain functions.
import { Code, GameError, toGameError } from "../../src/errors.js";
import { Offer } from "./actor-cell.js";
import type { ActorCell } from "./actor-cell.js";
import { Status } from "./cell.js";
import type { Cell } from "./cell.js";
import { Reply } from "./reply.js";
import type { ActorRef, ActorSpec, Parent, Supervisor, SupervisorSpec } from "./types.js";

/** The reply type an ask message declares: `replyTo: Reply<R>` on the union member with the same `type` tag. */
export type ReplyTypeOf<M> = M extends { replyTo: Reply<infer R> } ? R : never;
export type AskResult<Msg, Ret> = Ret extends { type: infer T } ? ReplyTypeOf<Extract<Msg, { type: T }>> : ReplyTypeOf<Ret>;

function cellOf<Msg>(ref: ActorRef<Msg>): ActorCell<Msg, unknown> {
  return ref as unknown as ActorCell<Msg, unknown>;
}

/**
 * Sends without waiting. False when the message was not enqueued: the actor is stopped (dead letter)
 * or its mailbox is full under "drop-newest" / "reject". Under "drop-oldest" the new message is
 * enqueued (true) and the oldest one is shed.
 */
export function tell<Msg>(ref: ActorRef<Msg>, msg: Msg): boolean {
  return cellOf(ref).offer(msg) === Offer.OK;
}

/**
 * Sends `make(replyTo)` and waits for `replyTo.ok(value)` / `replyTo.fail(gameError)`.
 * Rejects with GameError: DEADLINE_EXCEEDED after `timeoutMs`; UNAVAILABLE at once when the actor is
 * stopped; RESOURCE_EXHAUSTED at once when the mailbox refuses the message (or later sheds it under
 * "drop-oldest"); INTERNAL at once when the handler crashes on it (messages keep the Reply in `replyTo`).
 */
export function ask<Msg, const Ret extends Msg>(
  ref: ActorRef<Msg>,
  make: (replyTo: Reply<any>) => Ret,
  timeoutMs: number,
): Promise<AskResult<Msg, Ret>> {
  type Res = AskResult<Msg, Ret>;
  const cell = cellOf(ref);
  if (cell.status >= Status.STOPPING) {
    cell.kernel.deadLetter(cell, undefined);
    return Promise.reject(new GameError(Code.UNAVAILABLE, `actor ${cell.path} is stopped`));
  }
  return new Promise<Res>((resolve, reject) => {
    const reply = new Reply<Res>(cell.kernel, cell, timeoutMs, resolve, reject);
    let msg: Msg;
    try {
      msg = make(reply);
    } catch (err) {
      reply.fail(toGameError(err));
      return;
    }
    const offered = cell.offer(msg);
    if (offered === Offer.OK) return;
    if (offered === Offer.DEAD) reply.fail(new GameError(Code.UNAVAILABLE, `actor ${cell.path} is stopped`));
    else reply.fail(new GameError(Code.RESOURCE_EXHAUSTED, `mailbox of ${cell.path} is full`));
  });
}

/**
 * Stops an actor or supervisor for good (no restart, whatever its restart type): waits for its
 * in-flight handler (at most the kernel's stopTimeoutMs), stops its children in reverse spawn order,
 * runs onStop, and turns what is left in its mailbox into dead letters. Idempotent.
 * Inside a handler, stop yourself with ctx.stop(), not this (awaiting it there would wait for itself).
 */
export function stop(ref: Parent): Promise<void> {
  return (ref as unknown as Cell).kill();
}

/** Stops every child of `parent` for good, last spawned first; `parent` keeps running. */
export function stopChildren(parent: Parent): Promise<void> {
  return (parent as unknown as Cell).killChildren();
}

/** Messages waiting in the actor's mailbox (the one being handled is not counted). */
export function mailboxDepth<Msg>(ref: ActorRef<Msg>): number {
  return cellOf(ref).mbox.length;
}

/** Messages this actor shed or refused on overflow. */
export function dropCount<Msg>(ref: ActorRef<Msg>): number {
  return cellOf(ref).drops;
}

/** True until the actor or supervisor is stopped for good (stays true while it restarts). */
export function isAlive(ref: Parent): boolean {
  return (ref as unknown as Cell).status < Status.STOPPING;
}

/** Resolves once the actor or supervisor has stopped for good (after its onStop and its children). */
export function whenStopped(ref: Parent): Promise<void> {
  return (ref as unknown as Cell).whenStopped();
}

/** Spawn, as a function of the parent (the parent knows its kernel). */
export { spawnUnder as spawn, supervisorUnder as supervisor };

function spawnUnder<Msg, State>(parent: Parent, spec: ActorSpec<Msg, State>): ActorRef<Msg> {
  return (parent as unknown as Cell).kernel.spawn(parent, spec);
}

function supervisorUnder(parent: Parent, spec: SupervisorSpec): Supervisor {
  return (parent as unknown as Cell).kernel.supervisor(parent, spec);
}
