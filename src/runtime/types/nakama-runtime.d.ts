// Owns the global `nkruntime` namespace for JS bundles written the Nakama way (reference this file and
// write `function InitModule(ctx: nkruntime.Context, logger: nkruntime.Logger, nk: nkruntime.Nakama,
// initializer: nkruntime.Initializer)`). Every type is an alias of js.ts. `Codes` is a const enum on
// purpose: TypeScript inlines its values into the bundle, because the sandbox (like Nakama's) has no
// `nkruntime` object at run time.
import type * as js from "./js.js";

declare global {
  namespace nkruntime {
    type Context = js.Context;
    type Logger = js.Logger;
    type Nakama = js.Nakama;
    type Initializer = js.Initializer;
    type InitModule = js.InitModule;
    type RpcFunction = js.RpcFunction;
    type BeforeHookFunction<T> = js.BeforeHookFunction<T>;
    type AfterHookFunction<Out, In> = js.AfterHookFunction<Out, In>;
    type MatchHandler = js.MatchHandler;
    type Error = js.Error;

    const enum Codes {
      OK = 0,
      CANCELLED = 1,
      UNKNOWN = 2,
      INVALID_ARGUMENT = 3,
      DEADLINE_EXCEEDED = 4,
      NOT_FOUND = 5,
      ALREADY_EXISTS = 6,
      PERMISSION_DENIED = 7,
      RESOURCE_EXHAUSTED = 8,
      FAILED_PRECONDITION = 9,
      ABORTED = 10,
      OUT_OF_RANGE = 11,
      UNIMPLEMENTED = 12,
      INTERNAL = 13,
      UNAVAILABLE = 14,
      DATA_LOSS = 15,
      UNAUTHENTICATED = 16,
    }
  }
}
