package io.vsd.admin.vsadm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServicesFileTest {
    private static final ServicesFile FILE = ServicesFile.parse(List.of(
            "# comment 80/tcp",
            "",
            "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP",
            "http-alt\t80/tcp",
            "domain 53/udp",
            "broken line",
            "   ssh 22/tcp   # SSH"));

    @Test
    void namesToPortsIncludingAliases() {
        assertEquals(OptionalInt.of(80), FILE.port("http", Protocol.TCP));
        assertEquals(OptionalInt.of(80), FILE.port("www", Protocol.TCP));
        assertEquals(OptionalInt.of(22), FILE.port("ssh", Protocol.TCP));
        assertEquals(OptionalInt.of(53), FILE.port("domain", Protocol.UDP));
        assertEquals(OptionalInt.empty(), FILE.port("domain", Protocol.TCP));
        assertEquals(OptionalInt.empty(), FILE.port("comment", Protocol.TCP));
    }

    @Test
    void portsToTheFirstName() {
        assertEquals(Optional.of("http"), FILE.name(80, Protocol.TCP));
        assertEquals(Optional.empty(), FILE.name(80, Protocol.UDP));
        assertEquals(Optional.empty(), FILE.name(8080, Protocol.TCP));
    }

    @Test
    void noFileMeansNoNames() {
        ServicesFile none = ServicesFile.read(Path.of("/nonexistent/services"));
        assertEquals(OptionalInt.empty(), none.port("http", Protocol.TCP));
        assertEquals(Optional.empty(), none.name(80, Protocol.TCP));
    }
}
