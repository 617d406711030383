package io.conmonj.host.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether an {@code address} option that comes from an annotation points where the policy allows: a unix socket
 * under one of the policy's {@code unix:} directories, or a host whose every address (after resolution) is inside
 * the policy's ranges. The resolved address replaces the name in the option, so the driver connects to the address
 * that was checked (no second look-up that DNS could answer differently); only TLS transports keep the name, which
 * their certificate check needs.
 *
 * <p>Forms (the remote drivers'): {@code SCHEME://HOST[:PORT]}, {@code HOST[:PORT]}, {@code [V6][:PORT]},
 * {@code unix:///PATH}, {@code unixgram:///PATH}.
 */
public final class Destinations {
    static final int MAX_ADDRESS = 512;

    private Destinations() {
    }

    /** A refusal: the reason, for the caller to wrap with the rule and the annotation. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @return the address to give the driver (the checked IP in place of a host name)
     * @throws Refused when the address is malformed or outside what the policy allows
     */
    public static String check(String address, List<Cidr> ranges, List<Path> unixDirs) throws Refused {
        if (address.isEmpty() || address.length() > MAX_ADDRESS) {
            throw new Refused("an address of 1 to " + MAX_ADDRESS + " characters is needed");
        }
        int scheme = address.indexOf("://");
        String prefix = scheme < 0 ? "" : address.substring(0, scheme + 3);
        String rest = scheme < 0 ? address : address.substring(scheme + 3);
        String lower = prefix.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("unix")) {
            Path p = Path.of(rest);
            if (!rest.startsWith("/") || !p.normalize().toString().equals(rest)) {
                throw new Refused("a unix socket needs an absolute, normalized path");
            }
            for (Path dir : unixDirs) {
                if (p.startsWith(dir) && !p.equals(dir)) {
                    return address;
                }
            }
            throw new Refused("unix socket " + rest + " is not under a directory the policy allows ("
                    + (unixDirs.isEmpty() ? "none" : unixDirs.stream().map(Path::toString).toList()) + ")");
        }
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new Refused("unclosed '[' in the address");
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 1);
        } else {
            int colon = rest.lastIndexOf(':');
            host = colon < 0 ? rest : rest.substring(0, colon);
            port = colon < 0 ? "" : rest.substring(colon);
        }
        if (host.isEmpty() || host.indexOf('/') >= 0 || host.indexOf('@') >= 0) {
            throw new Refused("no host in the address");
        }
        if (ranges.isEmpty()) {
            throw new Refused("the policy allows no network destinations for annotations");
        }
        InetAddress[] resolved;
        byte[] literal = Cidr.literal(host);
        try {
            resolved = literal != null ? new InetAddress[]{InetAddress.getByAddress(literal)}
                    : InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new Refused("cannot resolve " + host);
        }
        for (InetAddress a : resolved) {
            boolean inside = false;
            for (Cidr r : ranges) {
                inside |= r.contains(a);
            }
            if (!inside) {
                throw new Refused(host + (literal != null ? "" : " (" + a.getHostAddress() + ")")
                        + " is outside the ranges the policy allows (" + ranges.stream().map(Cidr::text).toList() + ")");
            }
        }
        if (lower.contains("tls")) {
            return address;
        }
        String ip = resolved[0].getHostAddress();
        return prefix + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + port;
    }
}
