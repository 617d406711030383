package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.common.UnixDatagramSocket;
import io.conmonj.drivers.contrib.net.Backoff;
import io.conmonj.drivers.contrib.net.DatagramSender;
import io.conmonj.drivers.contrib.net.Endpoint;
import io.conmonj.drivers.contrib.net.HostName;
import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code syslog}: Docker's syslog log driver (docs/logging.md, "syslog"). Options, Docker's names:
 * {@code syslog-address} (udp://, tcp://, unix://, unixgram://; default the local syslog socket),
 * {@code syslog-facility} (default daemon), {@code syslog-format} (rfc3164, rfc5424, rfc5424micro, default Docker's
 * unix form); and conmon-j's {@code syslog-framing} (octet-counted, newline) for stream transports. TLS
 * ({@code tcp+tls://}, {@code syslog-tls-*}) is refused with a clear message.
 */
public final class SyslogProvider implements LogDriverProvider {
    public static final String NAME = "syslog";
    static final String ADDRESS = "syslog-address";
    static final int DEFAULT_PORT = 514;
    static final List<String> KNOWN = List.of(ADDRESS, Facility.OPTION, SyslogFormat.OPTION, Framing.OPTION);
    static final List<String> TLS_OPTIONS = List.of("syslog-tls-ca-cert", "syslog-tls-cert", "syslog-tls-key",
            "syslog-tls-skip-verify");
    private static final String NO_TLS = "TLS is not supported by conmon-j's syslog driver; send to a local "
            + "rsyslog or syslog-ng that forwards over TLS";

    /** What the driver takes from the machine; tests give their own. */
    record Host(String hostname, long pid, ZoneId zone, List<String> localSockets) {
        static Host current() {
            return new Host(SyslogProvider.hostname(), ProcessHandle.current().pid(), ZoneId.systemDefault(), LocalSyslogSocket.PATHS);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        return open(container, options, warnings, Host.current());
    }

    static LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings,
                          Host host) throws LogDriverException {
        SyslogOptions o = SyslogOptions.parse(options);
        Endpoint endpoint = o.endpoint() != null ? o.endpoint() : LocalSyslogSocket.find(host.localSockets());
        if (o.framing() != null && !endpoint.transport().isStream()) {
            throw DriverOptions.error(Framing.OPTION, DriverOptions.echo(o.framing().value) + ": only tcp:// and"
                    + " unix:// addresses have a framing (" + endpoint + " sends one message per datagram)");
        }
        String tag = HeaderFields.tag(o.format(), container.tag() != null ? container.tag() : container.shortId(),
                warnings);
        byte[] sd = o.format().isRfc5424() ? StructuredData.of(container.labels(), container.env(), warnings)
                : new byte[0];
        SyslogEncoder encoder = new SyslogEncoder(o.format(), o.facility(), host.hostname(), tag, host.pid(), sd,
                host.zone());
        return new SyslogDriver(encoder, transport(endpoint, o, warnings));
    }

    private static SyslogTransport transport(Endpoint endpoint, SyslogOptions o, Consumer<String> warnings)
            throws LogDriverException {
        SocketAddress address = endpoint.resolve();
        try {
            return switch (endpoint.transport()) {
                case UDP -> new SyslogTransport.Udp(new DatagramSender(endpoint, address));
                case UNIXGRAM -> {
                    if (!Files.exists(Path.of(endpoint.path()))) {
                        throw DriverOptions.error(ADDRESS, DriverOptions.echo(endpoint.toString())
                                + ": No such file or directory");
                    }
                    yield new SyslogTransport.UnixDatagram(new UnixDatagramSocket(endpoint.path()));
                }
                case TCP, UNIX -> {
                    Framing framing = o.framing() != null ? o.framing()
                            : Framing.defaultFor(o.format(), endpoint.transport() == Endpoint.Transport.TCP);
                    StreamSender sender = new StreamSender(endpoint, address, new Backoff(100, 5_000), -1, warnings);
                    try {
                        sender.connect(); // as Docker: a collector that cannot be reached is a start-up error
                    } catch (IOException e) {
                        sender.close();
                        LogDriverException failure = DriverOptions.error(ADDRESS,
                                DriverOptions.echo(endpoint.toString()) + ": cannot connect: "
                                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                        failure.initCause(e);
                        throw failure;
                    }
                    yield new SyslogTransport.Stream(sender, framing);
                }
            };
        } catch (IOException e) {
            LogDriverException failure = DriverOptions.error(ADDRESS, DriverOptions.echo(endpoint.toString()) + ": "
                    + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /** The options a container gave, checked. */
    record SyslogOptions(Endpoint endpoint, int facility, SyslogFormat format, Framing framing) {
        static SyslogOptions parse(Map<String, String> options) throws LogDriverException {
            List<String> declared = new ArrayList<>(KNOWN);
            declared.addAll(TLS_OPTIONS); // declared so that they are refused with the reason, not as unknown
            DriverOptions o = DriverOptions.of(options, declared);
            for (String tls : TLS_OPTIONS) {
                if (o.has(tls)) {
                    throw DriverOptions.error(tls, NO_TLS);
                }
            }
            Endpoint endpoint = address(o.string(ADDRESS, "", Endpoint.MAX_LENGTH));
            int facility = o.has(Facility.OPTION) ? Facility.parse(o.raw(Facility.OPTION)) : Facility.DAEMON;
            SyslogFormat format = SyslogFormat.BY_VALUE.get(o.string(SyslogFormat.OPTION, "", 64));
            if (format == null) {
                throw DriverOptions.error(SyslogFormat.OPTION, DriverOptions.echo(o.raw(SyslogFormat.OPTION))
                        + " is not a syslog format (use rfc3164, rfc5424, rfc5424micro, or leave it empty for"
                        + " Docker's default)");
            }
            Framing framing = o.choice(Framing.OPTION, null, Framing.BY_VALUE);
            return new SyslogOptions(endpoint, facility, format, framing);
        }

        /** Docker's forms; empty: the local socket (null here). */
        private static Endpoint address(String value) throws LogDriverException {
            if (value.isEmpty()) {
                return null;
            }
            if (value.regionMatches(true, 0, "tcp+tls://", 0, 10)) {
                throw DriverOptions.error(ADDRESS, DriverOptions.echo(value) + ": " + NO_TLS);
            }
            return Endpoint.parse(ADDRESS, value, DEFAULT_PORT, EnumSet.allOf(Endpoint.Transport.class), null);
        }
    }

    /** The machine's host name ({@link HostName}), which Docker sends; "localhost" if there is none. */
    static String hostname() {
        try {
            return HostName.find();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
