package io.certfn.dns;

import java.net.InetSocketAddress;

/** Parses the {@code host[:port]} form of DNS server settings. */
public final class HostPort {

    private HostPort() {
    }

    /**
     * @throws IllegalStateException naming {@code configKey} when the port is not a number
     */
    public static InetSocketAddress parse(String value, String configKey) {
        String host = value.strip();
        int port = 53;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(':') == colon) {
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalStateException(configKey + " '" + value + "' has a bad port");
            }
            host = host.substring(0, colon);
        }
        return new InetSocketAddress(host, port);
    }
}
