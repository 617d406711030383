/**
 * What several log drivers share, built-in and contrib alike: Go's JSON string encoding ({@link
 * io.conmonj.drivers.common.GoJson}), unix datagram sockets ({@link io.conmonj.drivers.common.UnixDatagramSocket}),
 * and dates without java.time ({@link io.conmonj.drivers.common.CivilDate}). Public API of the drivers-builtin jar:
 * drivers-contrib imports it.
 */
package io.conmonj.drivers.common;
