package io.vsd.admin.vsadm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The service names of /etc/services: {@code name port/proto [aliases] [# comment]}. */
record ServicesFile(Map<String, Integer> ports, Map<String, String> names) {

    static ServicesFile read(Path path) {
        try {
            return parse(Files.readAllLines(path));
        } catch (IOException | RuntimeException e) {
            // No services file is no error: ports then print and parse as numbers only.
            return parse(List.of());
        }
    }

    static ServicesFile parse(List<String> lines) {
        Map<String, Integer> ports = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] words = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (words.length < 2 || !words[1].matches("[0-9]{1,5}/[a-z]+")) {
                continue;
            }
            String[] portProto = words[1].split("/");
            int port = Integer.parseInt(portProto[0]);
            String proto = portProto[1];
            // getservbyport answers the first entry for a port; getservbyname also knows the aliases.
            names.putIfAbsent(port + "/" + proto, words[0]);
            for (int i = 0; i < words.length; i++) {
                if (i != 1) {
                    ports.putIfAbsent(words[i] + "/" + proto, port);
                }
            }
        }
        return new ServicesFile(Map.copyOf(ports), Map.copyOf(names));
    }

    OptionalInt port(String name, Protocol protocol) {
        Integer port = ports.get(name + "/" + protocol.api());
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    Optional<String> name(int port, Protocol protocol) {
        return Optional.ofNullable(names.get(port + "/" + protocol.api()));
    }
}
