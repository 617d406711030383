/*
 * libconmonj-sys.so: the libc calls of io.conmonj.sys.LibC, as plain JNI functions.
 *
 * Why JNI and not JNA or java.lang.foreign: a monitor starts once per container, and binding libc through JNA
 * costs every start about 36 ms of CPU and a megabyte of private memory (its dispatch library, Structure's
 * annotations read through dynamic proxies spun at every start); JNI is part of the JVM (docs/design.md,
 * "Native layer"). Plugins are still called through JNA, loaded only when a container uses one.
 *
 * The rules every function here keeps:
 *   - errno is saved right after the call, in this thread's slot that LibC.lastErrno reads, before anything the
 *     JVM does can change it;
 *   - strings arrive as NUL-terminated UTF-8 byte arrays made by LibC; one with a NUL inside fails with EINVAL;
 *   - Java arrays are copied in and out, never pinned: a call may block (a full pipe, a slow reader), and a
 *     pinned array would hold the garbage collector for as long;
 *   - native memory (struct images) arrives as the io.conmonj.sys.NativeMemory object itself: the call's reference keeps
 *     it, and the blocks it points at, alive while the call runs; its address is read here.
 * The table at the end binds each function to its Java declaration by name and signature when the library is
 * loaded: a mismatch fails the load, naming the method, rather than the first call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

/* The largest Java array a single call copies; LibC's callers pass their buffer's length, which is bounded
 * far below this (the monitor reads at most a pipe's worth at a time). */
#define MAX_COPY (64L << 20)

static __thread int last_errno;

/* Makes the call, then saves errno, then returns the call's result. */
#define SAVE_ERRNO(call) \
    do { \
        __typeof__(call) result_ = (call); \
        last_errno = errno; \
        return result_; \
    } while (0)

/* Calls `call`, an expression of `p`, the C copy of the Java string `path` (see copy_string), then saves errno, frees
 * the copy and returns the call's result; a path that cannot be copied fails the call with its errno. */
#define WITH_PATH(path, call) \
    do { \
        char *p = copy_string(env, (path)); \
        if (p == NULL) { \
            return refuse(errno); \
        } \
        __typeof__(call) result_ = (call); \
        last_errno = errno; \
        free(p); \
        return result_; \
    } while (0)

#define PTR(address) ((void *) (intptr_t) (address))

/* NativeMemory.address, looked up when the library loads. */
static jfieldID memory_address;

/* The block a NativeMemory holds, or NULL for a null reference. */
static void *block(JNIEnv *env, jobject memory) {
    return memory == NULL ? NULL : PTR((*env)->GetLongField(env, memory, memory_address));
}
#define UNUSED_CLASS (void) cls

/* Fails the call as the C library would (-1, errno) when a Java array cannot be copied. */
static int refuse(int err) {
    errno = err;
    last_errno = err;
    return -1;
}

/* A copy of a (non-null) Java byte array in the C heap, its length in *length if asked; NULL with errno set when
 * there is no memory for it. */
static char *copy_in(JNIEnv *env, jbyteArray array, jsize *length) {
    jsize n = (*env)->GetArrayLength(env, array);
    char *copy = malloc(n > 0 ? (size_t) n : 1);
    if (copy == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, array, 0, n, (jbyte *) copy);
    if (length != NULL) {
        *length = n;
    }
    return copy;
}

/* A path or name: the NUL-terminated UTF-8 bytes LibC made. A NUL inside (the string would silently end there)
 * fails the call with EINVAL. */
static char *copy_string(JNIEnv *env, jbyteArray array) {
    jsize n;
    char *copy = copy_in(env, array, &n);
    if (copy != NULL && (n == 0 || memchr(copy, '\0', (size_t) n) != copy + n - 1)) {
        free(copy);
        errno = EINVAL;
        return NULL;
    }
    return copy;
}

/* Room for the first `count` bytes of `array` (read into it, or copied out of it), or NULL (errno set) when `count`
 * does not fit the array. */
static char *room_for(JNIEnv *env, jbyteArray array, jlong count) {
    if (count < 0 || count > MAX_COPY || count > (*env)->GetArrayLength(env, array)) {
        errno = EINVAL;
        return NULL;
    }
    char *buffer = malloc(count > 0 ? (size_t) count : 1);
    if (buffer == NULL) {
        errno = ENOMEM;
    }
    return buffer;
}

/* A copy of the first `count` bytes of `array` (what a write or send takes), or NULL (errno set) when `count` does
 * not fit the array. */
static char *copy_head(JNIEnv *env, jbyteArray array, jlong count) {
    char *copy = room_for(env, array, count);
    if (copy != NULL && count > 0) {
        (*env)->GetByteArrayRegion(env, array, 0, (jsize) count, (jbyte *) copy);
    }
    return copy;
}

static void copy_out(JNIEnv *env, jbyteArray array, const void *data, jlong count) {
    if (count > 0) {
        (*env)->SetByteArrayRegion(env, array, 0, (jsize) count, (const jbyte *) data);
    }
}

/* A NULL-terminated char *[] of the NUL-terminated byte arrays in `strings` (argv, envp), in one block. */
static char **copy_strings(JNIEnv *env, jobjectArray strings) {
    jsize count = (*env)->GetArrayLength(env, strings);
    size_t bytes = (size_t) (count + 1) * sizeof(char *);
    for (jsize i = 0; i < count; i++) {
        jbyteArray s = (*env)->GetObjectArrayElement(env, strings, i);
        bytes += (size_t) (*env)->GetArrayLength(env, s);
        (*env)->DeleteLocalRef(env, s);
    }
    char **vector = malloc(bytes);
    if (vector == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    char *next = (char *) (vector + count + 1);
    for (jsize i = 0; i < count; i++) {
        jbyteArray s = (*env)->GetObjectArrayElement(env, strings, i);
        jsize n = (*env)->GetArrayLength(env, s);
        (*env)->GetByteArrayRegion(env, s, 0, n, (jbyte *) next);
        (*env)->DeleteLocalRef(env, s);
        vector[i] = next;
        next += n;
    }
    vector[count] = NULL;
    return vector;
}

static jint set_ints(JNIEnv *env, jintArray array, const int *values, jsize count, jint result) {
    if (result >= 0) {
        (*env)->SetIntArrayRegion(env, array, 0, count, (const jint *) values);
    }
    return result;
}

/* ---- errno, memory ---- */

static jint last_error(JNIEnv *env, jclass cls) {
    (void) env;
    UNUSED_CLASS;
    return last_errno;
}

static jbyteArray error_text(JNIEnv *env, jclass cls, jint err) {
    UNUSED_CLASS;
    char text[256];
    const char *message = strerror_r(err, text, sizeof text);
    jsize n = (jsize) strlen(message);
    jbyteArray out = (*env)->NewByteArray(env, n);
    if (out != NULL) {
        (*env)->SetByteArrayRegion(env, out, 0, n, (const jbyte *) message);
    }
    return out;
}

static jlong buffer_address(JNIEnv *env, jclass cls, jobject buffer) {
    UNUSED_CLASS;
    return (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}

static jobject wrap_address(JNIEnv *env, jclass cls, jlong address, jlong size) {
    UNUSED_CLASS;
    return (*env)->NewDirectByteBuffer(env, PTR(address), size);
}

/* ---- files and descriptors ---- */

static jlong c_read(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jlong count) {
    UNUSED_CLASS;
    char *room = room_for(env, buf, count);
    if (room == NULL) {
        return refuse(errno);
    }
    ssize_t n = read(fd, room, (size_t) count);
    last_errno = errno;
    if (n > 0) {
        copy_out(env, buf, room, n);
    }
    free(room);
    return n;
}

static jlong c_read_native(JNIEnv *env, jclass cls, jint fd, jobject buf, jlong count) {
    UNUSED_CLASS;
    ssize_t n = read(fd, block(env, buf), (size_t) count);
    SAVE_ERRNO(n);
}

static jlong c_write(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jlong count) {
    UNUSED_CLASS;
    char *copy = copy_head(env, buf, count);
    if (copy == NULL) {
        return refuse(errno);
    }
    ssize_t n = write(fd, copy, (size_t) count);
    last_errno = errno;
    free(copy);
    return n;
}

static jint c_close(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(close(fd));
}

static jint c_pipe2(JNIEnv *env, jclass cls, jintArray fds, jint flags) {
    UNUSED_CLASS;
    int pair[2];
    int r = pipe2(pair, flags);
    last_errno = errno;
    return set_ints(env, fds, pair, 2, r);
}

static jint c_dup2(JNIEnv *env, jclass cls, jint old_fd, jint new_fd) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(dup2(old_fd, new_fd));
}

static jint c_open(JNIEnv *env, jclass cls, jbyteArray path, jint flags, jint mode) {
    UNUSED_CLASS;
    WITH_PATH(path, open(p, flags, (mode_t) mode));
}

static jint c_openat(JNIEnv *env, jclass cls, jint dir_fd, jbyteArray path, jint flags, jint mode) {
    UNUSED_CLASS;
    WITH_PATH(path, openat(dir_fd, p, flags, (mode_t) mode));
}

static jint c_statx(JNIEnv *env, jclass cls, jint dir_fd, jbyteArray path, jint flags, jint mask, jbyteArray buf) {
    UNUSED_CLASS;
    struct statx image;
    if ((*env)->GetArrayLength(env, buf) < (jsize) sizeof image) {
        return refuse(EINVAL);
    }
    char *p = copy_string(env, path);
    if (p == NULL) {
        return refuse(errno);
    }
    memset(&image, 0, sizeof image);
    int r = statx(dir_fd, p, flags, (unsigned) mask, &image);
    last_errno = errno;
    free(p);
    if (r == 0) {
        copy_out(env, buf, &image, sizeof image);
    }
    return r;
}

static jint c_poll(JNIEnv *env, jclass cls, jobject fds, jlong nfds, jint timeout) {
    UNUSED_CLASS;
    SAVE_ERRNO(poll(block(env, fds), (nfds_t) nfds, timeout));
}

static jint c_fcntl(JNIEnv *env, jclass cls, jint fd, jint cmd, jint arg) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(fcntl(fd, cmd, arg));
}

static jint c_umask(JNIEnv *env, jclass cls, jint mask) {
    (void) env;
    UNUSED_CLASS;
    return (jint) umask((mode_t) mask);
}

static jint c_memfd_create(JNIEnv *env, jclass cls, jbyteArray name, jint flags) {
    UNUSED_CLASS;
    WITH_PATH(name, memfd_create(p, (unsigned) flags));
}

/* ---- processes ---- */

static jint c_getpid(JNIEnv *env, jclass cls) {
    (void) env;
    UNUSED_CLASS;
    return getpid();
}

static jint c_setsid(JNIEnv *env, jclass cls) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(setsid());
}

static jint c_getpgid(JNIEnv *env, jclass cls, jint pid) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(getpgid(pid));
}

static jlong c_syscall2(JNIEnv *env, jclass cls, jlong number, jlong a1, jlong a2) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(syscall(number, a1, a2));
}

static jlong c_syscall4(JNIEnv *env, jclass cls, jlong number, jlong a1, jlong a2, jlong a3, jlong a4) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(syscall(number, a1, a2, a3, a4));
}

static jint c_geteuid(JNIEnv *env, jclass cls) {
    (void) env;
    UNUSED_CLASS;
    return (jint) geteuid();
}

static jint c_kill(JNIEnv *env, jclass cls, jint pid, jint sig) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(kill(pid, sig));
}

static jint c_waitpid(JNIEnv *env, jclass cls, jint pid, jintArray status, jint options) {
    UNUSED_CLASS;
    int value = 0;
    int r = waitpid(pid, &value, options);
    last_errno = errno;
    return set_ints(env, status, &value, 1, r);
}

static jint c_waitid(JNIEnv *env, jclass cls, jint id_type, jint id, jbyteArray info, jint options) {
    UNUSED_CLASS;
    siginfo_t image;
    if ((*env)->GetArrayLength(env, info) < (jsize) sizeof image) {
        return refuse(EINVAL);
    }
    memset(&image, 0, sizeof image);
    int r = waitid((idtype_t) id_type, (id_t) id, &image, options);
    last_errno = errno;
    if (r == 0) {
        copy_out(env, info, &image, sizeof image);
    }
    return r;
}

static jint c_prctl(JNIEnv *env, jclass cls, jint option, jlong a2, jlong a3, jlong a4, jlong a5) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(prctl(option, a2, a3, a4, a5));
}

static jint c_posix_spawn(JNIEnv *env, jclass cls, jintArray pid, jbyteArray path, jobject actions, jobject attr,
                          jobjectArray argv, jobjectArray envp) {
    UNUSED_CLASS;
    char *p = copy_string(env, path);
    char **args = copy_strings(env, argv);
    char **environment = copy_strings(env, envp);
    int r = ENOMEM;
    pid_t child = 0;
    if (p != NULL && args != NULL && environment != NULL) {
        r = posix_spawn(&child, p, block(env, actions), block(env, attr), args, environment);
    }
    free(environment);
    free(args);
    free(p);
    if (r == 0) {
        (*env)->SetIntArrayRegion(env, pid, 0, 1, (const jint *) &child);
    }
    return r;   /* posix_spawn returns the error number itself */
}

static jint c_actions_init(JNIEnv *env, jclass cls, jobject actions) {
    UNUSED_CLASS;
    return posix_spawn_file_actions_init(block(env, actions));
}

static jint c_actions_destroy(JNIEnv *env, jclass cls, jobject actions) {
    UNUSED_CLASS;
    return posix_spawn_file_actions_destroy(block(env, actions));
}

static jint c_actions_adddup2(JNIEnv *env, jclass cls, jobject actions, jint fd, jint new_fd) {
    UNUSED_CLASS;
    return posix_spawn_file_actions_adddup2(block(env, actions), fd, new_fd);
}

static jint c_actions_addopen(JNIEnv *env, jclass cls, jobject actions, jint fd, jbyteArray path, jint flags,
                              jint mode) {
    UNUSED_CLASS;
    char *p = copy_string(env, path);
    if (p == NULL) {
        return ENOMEM;
    }
    int r = posix_spawn_file_actions_addopen(block(env, actions), fd, p, flags, (mode_t) mode);
    free(p);
    return r;
}

static jint c_actions_addclosefrom(JNIEnv *env, jclass cls, jobject actions, jint from) {
    UNUSED_CLASS;
    return posix_spawn_file_actions_addclosefrom_np(block(env, actions), from);
}

static jint c_attr_init(JNIEnv *env, jclass cls, jobject attr) {
    UNUSED_CLASS;
    return posix_spawnattr_init(block(env, attr));
}

static jint c_attr_destroy(JNIEnv *env, jclass cls, jobject attr) {
    UNUSED_CLASS;
    return posix_spawnattr_destroy(block(env, attr));
}

static jint c_attr_setflags(JNIEnv *env, jclass cls, jobject attr, jshort flags) {
    UNUSED_CLASS;
    return posix_spawnattr_setflags(block(env, attr), flags);
}

static jint c_attr_setsigmask(JNIEnv *env, jclass cls, jobject attr, jobject mask) {
    UNUSED_CLASS;
    return posix_spawnattr_setsigmask(block(env, attr), block(env, mask));
}

static jint c_attr_setsigdefault(JNIEnv *env, jclass cls, jobject attr, jobject mask) {
    UNUSED_CLASS;
    return posix_spawnattr_setsigdefault(block(env, attr), block(env, mask));
}

/* ---- signals, epoll, timers ---- */

static jint c_sigprocmask(JNIEnv *env, jclass cls, jint how, jobject set, jobject old) {
    UNUSED_CLASS;
    SAVE_ERRNO(sigprocmask(how, block(env, set), block(env, old)));
}

static jint c_sigemptyset(JNIEnv *env, jclass cls, jobject set) {
    UNUSED_CLASS;
    SAVE_ERRNO(sigemptyset(block(env, set)));
}

static jint c_sigfillset(JNIEnv *env, jclass cls, jobject set) {
    UNUSED_CLASS;
    SAVE_ERRNO(sigfillset(block(env, set)));
}

static jint c_signalfd(JNIEnv *env, jclass cls, jint fd, jobject mask, jint flags) {
    UNUSED_CLASS;
    SAVE_ERRNO(signalfd(fd, block(env, mask), flags));
}

static jint c_epoll_create1(JNIEnv *env, jclass cls, jint flags) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(epoll_create1(flags));
}

static jint c_epoll_ctl(JNIEnv *env, jclass cls, jint epfd, jint op, jint fd, jobject event) {
    UNUSED_CLASS;
    SAVE_ERRNO(epoll_ctl(epfd, op, fd, block(env, event)));
}

static jint c_epoll_wait(JNIEnv *env, jclass cls, jint epfd, jobject events, jint max_events, jint timeout) {
    UNUSED_CLASS;
    SAVE_ERRNO(epoll_wait(epfd, block(env, events), max_events, timeout));
}

static jint c_timerfd_create(JNIEnv *env, jclass cls, jint clock_id, jint flags) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(timerfd_create(clock_id, flags));
}

static jint c_timerfd_settime(JNIEnv *env, jclass cls, jint fd, jint flags, jobject new_value, jobject old_value) {
    UNUSED_CLASS;
    SAVE_ERRNO(timerfd_settime(fd, flags, block(env, new_value), block(env, old_value)));
}

/* ---- OOM watching ---- */

static jint c_eventfd(JNIEnv *env, jclass cls, jint initval, jint flags) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(eventfd((unsigned) initval, flags));
}

static jint c_inotify_init1(JNIEnv *env, jclass cls, jint flags) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(inotify_init1(flags));
}

static jint c_inotify_add_watch(JNIEnv *env, jclass cls, jint fd, jbyteArray path, jint mask) {
    UNUSED_CLASS;
    WITH_PATH(path, inotify_add_watch(fd, p, (uint32_t) mask));
}

static jint c_statfs(JNIEnv *env, jclass cls, jbyteArray path, jbyteArray buf) {
    UNUSED_CLASS;
    struct statfs image;
    if ((*env)->GetArrayLength(env, buf) < (jsize) sizeof image) {
        return refuse(EINVAL);
    }
    char *p = copy_string(env, path);
    if (p == NULL) {
        return refuse(errno);
    }
    memset(&image, 0, sizeof image);
    int r = statfs(p, &image);
    last_errno = errno;
    free(p);
    if (r == 0) {
        copy_out(env, buf, &image, sizeof image);
    }
    return r;
}

/* ---- sockets ---- */

static jint c_socket(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(socket(domain, type, protocol));
}

static jint c_socketpair(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol, jintArray fds) {
    UNUSED_CLASS;
    int pair[2];
    int r = socketpair(domain, type, protocol, pair);
    last_errno = errno;
    return set_ints(env, fds, pair, 2, r);
}

/* bind(2) and connect(2) take the same arguments. */
static jint address_call(JNIEnv *env, int (*call)(int, const struct sockaddr *, socklen_t), jint fd,
                         jbyteArray addr, jint addr_len) {
    char *a = copy_head(env, addr, addr_len);
    if (a == NULL) {
        return refuse(errno);
    }
    int r = call(fd, (const struct sockaddr *) a, (socklen_t) addr_len);
    last_errno = errno;
    free(a);
    return r;
}

static jint c_bind(JNIEnv *env, jclass cls, jint fd, jbyteArray addr, jint addr_len) {
    UNUSED_CLASS;
    return address_call(env, bind, fd, addr, addr_len);
}

static jint c_connect(JNIEnv *env, jclass cls, jint fd, jbyteArray addr, jint addr_len) {
    UNUSED_CLASS;
    return address_call(env, connect, fd, addr, addr_len);
}

static jint c_listen(JNIEnv *env, jclass cls, jint fd, jint backlog) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(listen(fd, backlog));
}

/* The peer's address is never asked for. */
static jint c_accept4(JNIEnv *env, jclass cls, jint fd, jint flags) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(accept4(fd, NULL, NULL, flags));
}

static jlong c_sendto(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jlong len, jint flags, jbyteArray addr,
                      jint addr_len) {
    UNUSED_CLASS;
    if (addr == NULL && addr_len != 0) {
        return refuse(EINVAL);
    }
    char *data = copy_head(env, buf, len);
    if (data == NULL) {
        return refuse(errno);
    }
    char *a = NULL;
    if (addr != NULL && (a = copy_head(env, addr, addr_len)) == NULL) {
        free(data);
        return refuse(errno);
    }
    ssize_t r = sendto(fd, data, (size_t) len, flags, (const struct sockaddr *) a, (socklen_t) addr_len);
    last_errno = errno;
    free(a);
    free(data);
    return r;
}

static jlong c_send(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jlong len, jint flags) {
    return c_sendto(env, cls, fd, buf, len, flags, NULL, 0);
}

static jlong c_send_native(JNIEnv *env, jclass cls, jint fd, jobject buf, jlong len, jint flags) {
    UNUSED_CLASS;
    SAVE_ERRNO(send(fd, block(env, buf), (size_t) len, flags));
}

static jlong c_recv(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jlong len, jint flags) {
    UNUSED_CLASS;
    char *room = room_for(env, buf, len);
    if (room == NULL) {
        return refuse(errno);
    }
    ssize_t n = recv(fd, room, (size_t) len, flags);
    last_errno = errno;
    if (n > 0) {
        copy_out(env, buf, room, n);
    }
    free(room);
    return n;
}

static jint c_shutdown(JNIEnv *env, jclass cls, jint fd, jint how) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(shutdown(fd, how));
}

static jlong c_recvmsg(JNIEnv *env, jclass cls, jint fd, jobject msg, jint flags) {
    UNUSED_CLASS;
    SAVE_ERRNO(recvmsg(fd, block(env, msg), flags));
}

static jlong c_sendmsg(JNIEnv *env, jclass cls, jint fd, jobject msg, jint flags) {
    UNUSED_CLASS;
    SAVE_ERRNO(sendmsg(fd, block(env, msg), flags));
}

/* ---- file system ---- */

static jint c_mkfifo(JNIEnv *env, jclass cls, jbyteArray path, jint mode) {
    UNUSED_CLASS;
    WITH_PATH(path, mkfifo(p, (mode_t) mode));
}

static jint c_unlink(JNIEnv *env, jclass cls, jbyteArray path) {
    UNUSED_CLASS;
    WITH_PATH(path, unlink(p));
}

static jint c_symlink(JNIEnv *env, jclass cls, jbyteArray target, jbyteArray link_path) {
    UNUSED_CLASS;
    char *t = copy_string(env, target);
    char *l = t == NULL ? NULL : copy_string(env, link_path);
    if (l == NULL) {
        free(t);
        return refuse(errno);
    }
    int r = symlink(t, l);
    last_errno = errno;
    free(l);
    free(t);
    return r;
}

static jint c_chmod(JNIEnv *env, jclass cls, jbyteArray path, jint mode) {
    UNUSED_CLASS;
    WITH_PATH(path, chmod(p, (mode_t) mode));
}

static jint c_fchmod(JNIEnv *env, jclass cls, jint fd, jint mode) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(fchmod(fd, (mode_t) mode));
}

static jint c_mkstemp(JNIEnv *env, jclass cls, jbyteArray template) {
    UNUSED_CLASS;
    jsize n;
    char *t = copy_in(env, template, &n);
    if (t == NULL) {
        return refuse(errno);
    }
    if (n == 0 || t[n - 1] != '\0') {
        free(t);
        return refuse(EINVAL);
    }
    int fd = mkstemp(t);
    last_errno = errno;
    if (fd >= 0) {
        copy_out(env, template, t, n);
    }
    free(t);
    return fd;
}

/* ---- terminals ---- */

static jint c_tcgetattr(JNIEnv *env, jclass cls, jint fd, jobject termios) {
    UNUSED_CLASS;
    SAVE_ERRNO(tcgetattr(fd, block(env, termios)));
}

static jint c_tcsetattr(JNIEnv *env, jclass cls, jint fd, jint optional_actions, jobject termios) {
    UNUSED_CLASS;
    SAVE_ERRNO(tcsetattr(fd, optional_actions, block(env, termios)));
}

static jint c_ioctl(JNIEnv *env, jclass cls, jint fd, jlong request, jobject arg) {
    UNUSED_CLASS;
    SAVE_ERRNO(ioctl(fd, (unsigned long) request, block(env, arg)));
}

static jint c_isatty(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(isatty(fd));
}

static jint c_posix_openpt(JNIEnv *env, jclass cls, jint flags) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(posix_openpt(flags));
}

static jint c_grantpt(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(grantpt(fd));
}

static jint c_unlockpt(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    UNUSED_CLASS;
    SAVE_ERRNO(unlockpt(fd));
}

static jint c_ptsname_r(JNIEnv *env, jclass cls, jint fd, jbyteArray buf, jlong len) {
    UNUSED_CLASS;
    char *room = room_for(env, buf, len);
    if (room == NULL) {
        return refuse(errno);
    }
    int r = ptsname_r(fd, room, (size_t) len);
    last_errno = errno;
    if (r == 0) {
        copy_out(env, buf, room, len);
    }
    free(room);
    return r;
}

/* ---- diagnostics ---- */

static void c_syslog(JNIEnv *env, jclass cls, jint priority, jbyteArray message) {
    UNUSED_CLASS;
    char *m = copy_string(env, message);
    if (m != NULL) {
        syslog(priority, "%s", m);
        free(m);
    }
}

/* ---- the binding ---- */

#define BIND(name, signature, function) {(char *) (name), (char *) (signature), (void *) (function)}
#define NATIVE "Lio/conmonj/sys/NativeMemory;"   /* a block of native memory, or null */
#define STR "[B"     /* a NUL-terminated UTF-8 string */

static const JNINativeMethod METHODS[] = {
    BIND("lastErrno", "()I", last_error),
    BIND("errorText", "(I)[B", error_text),
    BIND("bufferAddress", "(Ljava/nio/ByteBuffer;)J", buffer_address),
    BIND("wrapAddress", "(JJ)Ljava/nio/ByteBuffer;", wrap_address),

    BIND("read", "(I[BJ)J", c_read),
    BIND("readNative", "(I" NATIVE "J)J", c_read_native),
    BIND("write", "(I[BJ)J", c_write),
    BIND("close", "(I)I", c_close),
    BIND("pipe2", "([II)I", c_pipe2),
    BIND("dup2", "(II)I", c_dup2),
    BIND("open", "(" STR "II)I", c_open),
    BIND("openat", "(I" STR "II)I", c_openat),
    BIND("statx", "(I" STR "II[B)I", c_statx),
    BIND("poll", "(" NATIVE "JI)I", c_poll),
    BIND("fcntl", "(III)I", c_fcntl),
    BIND("umask", "(I)I", c_umask),
    BIND("memfdCreate", "(" STR "I)I", c_memfd_create),

    BIND("getpid", "()I", c_getpid),
    BIND("setsid", "()I", c_setsid),
    BIND("getpgid", "(I)I", c_getpgid),
    BIND("syscall", "(JJJ)J", c_syscall2),
    BIND("syscall", "(JJJJJ)J", c_syscall4),
    BIND("geteuid", "()I", c_geteuid),
    BIND("kill", "(II)I", c_kill),
    BIND("waitpid", "(I[II)I", c_waitpid),
    BIND("waitid", "(II[BI)I", c_waitid),
    BIND("prctl", "(IJJJJ)I", c_prctl),
    BIND("posixSpawn", "([I" STR NATIVE NATIVE "[[B[[B)I", c_posix_spawn),
    BIND("actionsInit", "(" NATIVE ")I", c_actions_init),
    BIND("actionsDestroy", "(" NATIVE ")I", c_actions_destroy),
    BIND("actionsAddDup2", "(" NATIVE "II)I", c_actions_adddup2),
    BIND("actionsAddOpen", "(" NATIVE "I" STR "II)I", c_actions_addopen),
    BIND("actionsAddCloseFrom", "(" NATIVE "I)I", c_actions_addclosefrom),
    BIND("attrInit", "(" NATIVE ")I", c_attr_init),
    BIND("attrDestroy", "(" NATIVE ")I", c_attr_destroy),
    BIND("attrSetFlags", "(" NATIVE "S)I", c_attr_setflags),
    BIND("attrSetSigMask", "(" NATIVE NATIVE ")I", c_attr_setsigmask),
    BIND("attrSetSigDefault", "(" NATIVE NATIVE ")I", c_attr_setsigdefault),

    BIND("sigprocmask", "(I" NATIVE NATIVE ")I", c_sigprocmask),
    BIND("sigemptyset", "(" NATIVE ")I", c_sigemptyset),
    BIND("sigfillset", "(" NATIVE ")I", c_sigfillset),
    BIND("signalfd", "(I" NATIVE "I)I", c_signalfd),
    BIND("epoll_create1", "(I)I", c_epoll_create1),
    BIND("epollCtl", "(III" NATIVE ")I", c_epoll_ctl),
    BIND("epollWait", "(I" NATIVE "II)I", c_epoll_wait),
    BIND("timerfd_create", "(II)I", c_timerfd_create),
    BIND("timerfdSettime", "(II" NATIVE NATIVE ")I", c_timerfd_settime),

    BIND("eventfd", "(II)I", c_eventfd),
    BIND("inotify_init1", "(I)I", c_inotify_init1),
    BIND("inotifyAddWatch", "(I" STR "I)I", c_inotify_add_watch),
    BIND("statfs", "(" STR "[B)I", c_statfs),

    BIND("socket", "(III)I", c_socket),
    BIND("socketpair", "(III[I)I", c_socketpair),
    BIND("bind", "(I[BI)I", c_bind),
    BIND("listen", "(II)I", c_listen),
    BIND("accept4", "(II)I", c_accept4),
    BIND("connect", "(I[BI)I", c_connect),
    BIND("send", "(I[BJI)J", c_send),
    BIND("sendNative", "(I" NATIVE "JI)J", c_send_native),
    BIND("sendto", "(I[BJI[BI)J", c_sendto),
    BIND("recv", "(I[BJI)J", c_recv),
    BIND("shutdown", "(II)I", c_shutdown),
    BIND("recvmsgNative", "(I" NATIVE "I)J", c_recvmsg),
    BIND("sendmsgNative", "(I" NATIVE "I)J", c_sendmsg),

    BIND("mkfifo", "(" STR "I)I", c_mkfifo),
    BIND("unlink", "(" STR ")I", c_unlink),
    BIND("symlink", "(" STR STR ")I", c_symlink),
    BIND("chmod", "(" STR "I)I", c_chmod),
    BIND("fchmod", "(II)I", c_fchmod),
    BIND("mkstemp", "([B)I", c_mkstemp),

    BIND("tcgetattrNative", "(I" NATIVE ")I", c_tcgetattr),
    BIND("tcsetattrNative", "(II" NATIVE ")I", c_tcsetattr),
    BIND("ioctlNative", "(IJ" NATIVE ")I", c_ioctl),
    BIND("isatty", "(I)I", c_isatty),
    BIND("posix_openpt", "(I)I", c_posix_openpt),
    BIND("grantpt", "(I)I", c_grantpt),
    BIND("unlockpt", "(I)I", c_unlockpt),
    BIND("ptsname_r", "(I[BJ)I", c_ptsname_r),

    BIND("syslogMessage", "(I" STR ")V", c_syslog),
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_10) != JNI_OK) {
        return JNI_ERR;
    }
    jclass memory = (*env)->FindClass(env, "io/conmonj/sys/NativeMemory");
    if (memory == NULL || (memory_address = (*env)->GetFieldID(env, memory, "address", "J")) == NULL) {
        return JNI_ERR;
    }
    jclass natives = (*env)->FindClass(env, "io/conmonj/sys/Natives");
    if (natives == NULL) {
        return JNI_ERR;
    }
    if ((*env)->RegisterNatives(env, natives, METHODS, (jint) (sizeof METHODS / sizeof METHODS[0])) != 0) {
        return JNI_ERR;   /* NoSuchMethodError pending, naming the method */
    }
    return JNI_VERSION_10;
}
