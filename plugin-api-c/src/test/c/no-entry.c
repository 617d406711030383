/* A shared object that is no log plugin: it lacks conmon_log_plugin_entry. */
int some_other_function(void);
int some_other_function(void)
{
    return 42;
}
