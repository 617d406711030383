package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriverException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A collector's address as Docker's log-opts write it: {@code udp://HOST:PORT}, {@code tcp://HOST:PORT},
 * {@code unix:///PATH} (stream) or {@code unixgram:///PATH} (datagram). HOST may be a name, an IPv4 address or a
 * bracketed IPv6 address; the port may be left out where the protocol has a default.
 *
 * <p>Names are resolved once, when the driver opens ({@link #resolve()}), so that an unresolvable collector is a
 * start-up error that {@code podman run} shows, not a stream of failures later.
 *
 * @param option the option the address came from, for error messages (e.g. {@code syslog-address})
 * @param host   null for unix transports
 * @param port   0 for unix transports
 * @param path   null for network transports
 */
public record Endpoint(String option, Transport transport, String host, int port, String path) {
    /** The longest address accepted (a DNS name has at most 253 characters, a unix socket path 107). */
    public static final int MAX_LENGTH = 512;

    public enum Transport {
        UDP("udp"), TCP("tcp"), UNIX("unix"), UNIXGRAM("unixgram");

        final String scheme;

        Transport(String scheme) {
            this.scheme = scheme;
        }

        public boolean isUnix() {
            return this == UNIX || this == UNIXGRAM;
        }

        public boolean isStream() {
            return this == TCP || this == UNIX;
        }
    }

    /**
     * Parses {@code value}.
     *
     * @param defaultPort used when the address has no port; 0: a port is required
     * @param allowed     the transports this driver speaks
     * @param bare        the transport meant by an address without {@code SCHEME://} (fluentd's {@code host:port}),
     *                    or null if a scheme is required
     */
    public static Endpoint parse(String option, String value, int defaultPort, Set<Transport> allowed,
                                 Transport bare) throws LogDriverException {
        if (value == null || value.isEmpty()) {
            throw DriverOptions.error(option, "empty address");
        }
        if (value.length() > MAX_LENGTH) {
            throw DriverOptions.error(option, "longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw DriverOptions.error(option, DriverOptions.echo(value) + ": spaces and control characters are"
                        + " not allowed in an address");
            }
        }
        int sep = value.indexOf("://");
        Transport transport;
        String rest;
        if (sep < 0) {
            if (bare == null) {
                throw DriverOptions.error(option, DriverOptions.echo(value) + ": expected " + schemes(allowed)
                        + "://ADDRESS");
            }
            transport = bare;
            rest = value;
        } else {
            transport = byScheme(option, value, value.substring(0, sep).toLowerCase(Locale.ROOT), allowed);
            rest = value.substring(sep + 3);
        }
        if (!allowed.contains(transport)) {
            throw DriverOptions.error(option, DriverOptions.echo(value) + ": " + transport.scheme
                    + " is not supported here (use " + schemes(allowed) + ")");
        }
        if (transport.isUnix()) {
            if (!rest.startsWith("/")) {
                throw DriverOptions.error(option, DriverOptions.echo(value) + ": a unix socket needs an absolute path");
            }
            return new Endpoint(option, transport, null, 0, rest);
        }
        return hostPort(option, value, transport, rest, defaultPort);
    }

    private static Endpoint hostPort(String option, String value, Transport transport, String rest, int defaultPort)
            throws LogDriverException {
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1); // url.Parse accepts a trailing slash; so do we
        }
        String host;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw DriverOptions.error(option, DriverOptions.echo(value) + ": missing ']' in an IPv6 address");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw DriverOptions.error(option, DriverOptions.echo(value) + ": expected :PORT after the IPv6 address");
                }
                port = after.substring(1);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0 && rest.indexOf(':') != colon) {
                throw DriverOptions.error(option, DriverOptions.echo(value) + ": write an IPv6 address in brackets, [ADDR]:PORT");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            port = colon < 0 ? null : rest.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw DriverOptions.error(option, DriverOptions.echo(value) + ": missing host");
        }
        int p;
        if (port == null) {
            if (defaultPort == 0) {
                throw DriverOptions.error(option, DriverOptions.echo(value) + ": missing port");
            }
            p = defaultPort;
        } else {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw DriverOptions.error(option, DriverOptions.echo(value) + ": invalid port " + DriverOptions.echo(port));
            }
        }
        return new Endpoint(option, transport, host, p, null);
    }

    private static Transport byScheme(String option, String value, String scheme, Set<Transport> allowed)
            throws LogDriverException {
        for (Transport t : Transport.values()) {
            if (t.scheme.equals(scheme)) {
                return t;
            }
        }
        throw DriverOptions.error(option, DriverOptions.echo(value) + ": unsupported scheme " + DriverOptions.echo(scheme) + " (use "
                + schemes(allowed) + ")");
    }

    private static String schemes(Set<Transport> allowed) {
        return Arrays.stream(Transport.values()).filter(allowed::contains).map(t -> t.scheme)
                .collect(Collectors.joining(", "));
    }

    /**
     * The socket address to connect to; a host name is looked up now.
     *
     * @throws LogDriverException if the name does not resolve
     */
    public SocketAddress resolve() throws LogDriverException {
        if (transport.isUnix()) {
            return UnixDomainSocketAddress.of(path);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            LogDriverException failure = DriverOptions.error(option, DriverOptions.echo(toString()) + ": cannot resolve host "
                    + DriverOptions.echo(host));
            failure.initCause(e);
            throw failure;
        }
    }

    @Override
    public String toString() {
        if (transport.isUnix()) {
            return transport.scheme + "://" + path;
        }
        return transport.scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
