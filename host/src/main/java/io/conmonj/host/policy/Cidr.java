package io.conmonj.host.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is one host. */
public record Cidr(String text, byte[] network, int prefix) {

    /**
     * @throws IllegalArgumentException when {@code text} is not a numeric address with an optional {@code /PREFIX}
     *                                  (no host names: the policy must not depend on DNS)
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address range (ADDRESS/PREFIX)");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(p) > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "': prefix must be 0 to " + bytes.length * 8);
            }
            prefix = Integer.parseInt(p);
        }
        return new Cidr(text, bytes, prefix);
    }

    /** Whether {@code address} is inside (an IPv4-mapped IPv6 address is compared as IPv4 by the JDK already). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** The bytes of a numeric IPv4 or IPv6 address; null for anything else (never a DNS look-up). */
    static byte[] literal(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        boolean v6 = s.indexOf(':') >= 0;
        if (!v6) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                    return null;
                }
                b[i] = (byte) Integer.parseInt(p);
            }
            return b;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
        }
        try {
            // only hex digits, ':' and '.': InetAddress parses it as a literal, no look-up
            byte[] b = InetAddress.getByName(s).getAddress();
            return b.length == 16 ? b : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
