package io.leveros.controlplane.store;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the metadata store lives, the {@code lever.store} setting: {@code file} (the embedded store in
 * {@code <data-dir>/store}) or {@code redis://host:port[/db]}.
 */
public sealed interface StoreLocation {

    String SETTING = "lever.store";
    String ACCEPTED = "'file' or 'redis://host:port[/db]'";

    /** The embedded single-node store. */
    record File() implements StoreLocation {
        @Override
        public String toString() {
            return "file";
        }
    }

    /** A Redis server shared by every control plane of a cluster. */
    record Redis(String host, int port, int database) implements StoreLocation {
        @Override
        public String toString() {
            return "redis://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                    + (database == 0 ? "" : "/" + database);
        }
    }

    /**
     * Parses the setting.
     *
     * @throws IllegalArgumentException naming the setting, the value and the accepted forms
     */
    static StoreLocation parse(String value) {
        if (value == null || value.isBlank() || value.strip().equals("file")) {
            return new File();
        }
        String text = value.strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(text, "not a URI: " + e.getReason());
        }
        if (!"redis".equals(uri.getScheme())) {
            throw invalid(text, "unknown kind of store");
        }
        if (uri.getHost() == null) {
            throw invalid(text, "no host");
        }
        if (uri.getPort() < 1) {
            throw invalid(text, "no port");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(text, "user, password, query and fragment are not supported");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        int database = 0;
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw invalid(text, "the database '" + path.substring(1) + "' is not a number >= 0");
            }
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Redis(host, uri.getPort(), database);
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException(
                SETTING + "=" + value + " is not a store (" + why + "; expected: " + ACCEPTED + ")");
    }
}
