// The Node-API helpers polyport's addons share: how a failed Node-API call becomes a JS
// exception, and how a number or a failed system call (-errno) goes back to JS.
//
// Each addon is one translation unit built into a .node of its own, so these live in an
// anonymous namespace (every addon gets its own copy, nothing is exported) and are inline (an
// addon that uses only some of them is not warned about the rest).

#ifndef POLYPORT_NATIVE_NAPI_SUPPORT_H_
#define POLYPORT_NATIVE_NAPI_SUPPORT_H_

#include <node_api.h>

#include <errno.h>
#include <stdint.h>

namespace {

// A failed Node-API call (a wrong argument type, mostly) becomes a JS TypeError, never a silent
// undefined; an exception the call left pending is kept as it is.
inline void ThrowFailure(napi_env env) {
  const napi_extended_error_info* info = nullptr;
  napi_get_last_error_info(env, &info);
  const char* message = info != nullptr && info->error_message != nullptr
                            ? info->error_message
                            : "a Node-API call failed";
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_type_error(env, nullptr, message);
}

// Returns from a binding (with a JS exception pending) when a Node-API call fails; `env` must
// be in scope.
#define CHECK(call)          \
  do {                       \
    if ((call) != napi_ok) { \
      ThrowFailure(env);     \
      return nullptr;        \
    }                        \
  } while (0)

// Declares `args`, the binding's first `n` arguments (undefined where fewer were given), and
// `argc`, how many were; `env` and `info` must be in scope.
#define GET_ARGS(n)   \
  size_t argc = n;    \
  napi_value args[n]; \
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr))

// A JS number (every count, length and descriptor these addons return fits exactly).
inline napi_value Int(napi_env env, int64_t value) {
  napi_value result;
  napi_create_int64(env, value, &result);
  return result;
}

// -errno of the system call that just failed: the addons return failures, and the TypeScript
// side decides which error class and message they become.
inline napi_value Failed(napi_env env) { return Int(env, -errno); }

}  // namespace

#endif  // POLYPORT_NATIVE_NAPI_SUPPORT_H_
