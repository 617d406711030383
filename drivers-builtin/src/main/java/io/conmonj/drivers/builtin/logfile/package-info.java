/**
 * The log-file engine that k8s-file and json-file share: rotation, compression of rotated files, and opening
 * files so that nothing planted in the log directory redirects a write, a rename or a delete.
 */
package io.conmonj.drivers.builtin.logfile;
