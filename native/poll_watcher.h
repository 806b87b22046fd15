// A uv_poll watcher on one descriptor that calls back into JS: the callback reference and async
// context it calls under, the external that hands it to JS, and a lifetime that ends only when
// both libuv and JS are done with it. fd_socket's watch() and datagram_batch's open() are both
// one of these.
//
// Why freed so late: uv_close() finishes on a later loop turn and JS may still hold the
// external after close(), so the watcher is deleted once both the close callback and the
// finalizer have run; a call on a closed watcher finds `closed` set rather than freed memory.
// (Inline, in an anonymous namespace: see napi_support.h.)

#ifndef POLYPORT_NATIVE_POLL_WATCHER_H_
#define POLYPORT_NATIVE_POLL_WATCHER_H_

#include <uv.h>

#include <initializer_list>

#include "napi_support.h"

namespace {

struct PollWatcher {
  napi_env env = nullptr;
  uv_poll_t poll;
  napi_ref callback = nullptr;
  napi_async_context async_context = nullptr;
  bool closed = false;       // closed: no more I/O, no more callbacks
  bool poll_closed = false;  // libuv is done with `poll`
  bool finalized = false;    // JS dropped the external

  virtual ~PollWatcher() = default;

  // Runs once on close, after polling stopped and before libuv closes the handle: for what a
  // kind of watcher holds besides (a descriptor of its own, more references). Also runs when
  // the watcher could not start polling.
  virtual void Release() {}
};

inline void OnPollWatcherClosed(uv_handle_t* handle) {
  PollWatcher* w = static_cast<PollWatcher*>(handle->data);
  w->poll_closed = true;
  if (w->finalized) delete w;
}

// Stops polling, drops the callback and closes the handle; a second call does nothing.
inline void ClosePollWatcher(PollWatcher* w) {
  if (w->closed) return;
  w->closed = true;
  if (w->callback != nullptr) napi_delete_reference(w->env, w->callback);
  if (w->async_context != nullptr) napi_async_destroy(w->env, w->async_context);
  w->callback = nullptr;
  w->async_context = nullptr;
  uv_poll_stop(&w->poll);
  w->Release();
  uv_close(reinterpret_cast<uv_handle_t*>(&w->poll), OnPollWatcherClosed);
}

inline void FinalizePollWatcher(napi_env, void* data, void*) {
  PollWatcher* w = static_cast<PollWatcher*>(data);
  w->finalized = true;
  // Normally closed already: until close() the callback reference keeps JS's side alive.
  ClosePollWatcher(w);
  if (w->poll_closed) delete w;
}

// Gets `w` (new, owned from here on) ready to poll `fd` and call `callback` under an async
// resource named `resource`, and returns the external JS holds it by; polling starts with the
// caller's uv_poll_start(). On failure `w` is disposed of, a JS exception is pending and the
// result is null.
inline napi_value WatchDescriptor(napi_env env, PollWatcher* w, int fd, napi_value callback,
                                  const char* resource) {
  w->env = env;
  uv_loop_t* loop;
  int rc = napi_get_uv_event_loop(env, &loop) == napi_ok
               ? uv_poll_init_socket(loop, &w->poll, fd)
               : UV_EINVAL;
  if (rc != 0) {
    w->Release();
    delete w;
    napi_throw_error(env, uv_err_name(rc), "cannot poll the descriptor");
    return nullptr;
  }
  w->poll.data = w;
  napi_value name, external;
  if (napi_create_string_utf8(env, resource, NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, nullptr, name, &w->async_context) != napi_ok ||
      napi_create_reference(env, callback, 1, &w->callback) != napi_ok ||
      napi_create_external(env, static_cast<void*>(w), FinalizePollWatcher, nullptr,
                           &external) != napi_ok) {
    ThrowFailure(env);
    // The handle is libuv's now: it is deleted when its close completes.
    w->finalized = true;
    ClosePollWatcher(w);
    return nullptr;
  }
  return external;
}

// The watcher behind an external WatchDescriptor() returned, or null for any other value.
inline PollWatcher* PollWatcherOf(napi_env env, napi_value value) {
  void* data = nullptr;
  if (napi_get_value_external(env, value, &data) != napi_ok) return nullptr;
  return static_cast<PollWatcher*>(data);
}

// Calls the watcher's callback with `values` (four at most) as JS numbers. make_callback, not
// call_function: the microtasks and ticks it queues run afterwards, as after any callback Node
// makes from the loop; an exception it throws is the process's uncaught exception.
inline void CallBack(PollWatcher* w, std::initializer_list<int64_t> values) {
  if (w->closed || w->callback == nullptr) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[4];
  size_t argc = 0;
  for (int64_t value : values) {
    if (argc == 4) break;
    argv[argc++] = Int(env, value);
  }
  napi_value callback, receiver, result;
  if (napi_get_reference_value(env, w->callback, &callback) == napi_ok &&
      napi_get_global(env, &receiver) == napi_ok) {
    if (napi_make_callback(env, w->async_context, receiver, callback, argc, argv, &result) ==
        napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

}  // namespace

#endif  // POLYPORT_NATIVE_POLL_WATCHER_H_
