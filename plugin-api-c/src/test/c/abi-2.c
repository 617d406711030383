/* A plugin built for a future, incompatible ABI 2: the host must refuse it by its version. */
#include <conmon_log_plugin.h>

static const struct conmon_log_plugin descriptor = {
    .size = sizeof(struct conmon_log_plugin) + 16,
    .abi_version = 2,
    .name = "from-the-future",
};

const struct conmon_log_plugin *conmon_log_plugin_entry(void)
{
    return &descriptor;
}
