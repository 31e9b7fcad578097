package io.vsd.admin.vsadm;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** Where the director's admin API is: {@code --server URL}, else {@code $VSD_ADMIN}, else the default. */
final class DirectorUrl {
    static final String ENV = "VSD_ADMIN";
    static final String DEFAULT = "http://127.0.0.1:9900";

    private DirectorUrl() {
    }

    static URI choose(String option, Map<String, String> env) throws VsadmException {
        String from = option != null ? "--server" : "$" + ENV;
        String text = option != null ? option : env.get(ENV);
        if (text == null || text.isBlank()) {
            return URI.create(DEFAULT);
        }
        // Allow host:port alone, as --admin HOST:PORT is written on the director's side.
        String url = text.contains("://") ? text : "http://" + text;
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw VsadmException.usage("%s is not an http:// URL of the director: %s", from, text);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw VsadmException.usage("%s is not an http:// URL of the director: %s", from, text);
        }
    }
}
