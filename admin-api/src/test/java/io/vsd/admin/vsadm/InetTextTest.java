package io.vsd.admin.vsadm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.Inet6Address;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InetTextTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2001:db8::1, 2001:db8::1",
            "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "::1, ::1",
            "::, ::",
            "1::, 1::",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
            "::ffff:1.2.3.4, ::ffff:1.2.3.4",
            "::ffff:102:304, ::ffff:1.2.3.4",
            "::1.2.3.4, ::1.2.3.4",
            "fe80::1:2, fe80::1:2",
    })
    void ipv6PrintsAsInetNtopPrintsIt(String text, String printed) {
        assertEquals(printed, InetText.format(InetText.parseIpv6(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "1::2::3", "g::1",
            "1.2.3.4", "::1.2.3", ":1::", "1::2:", "fe80::1%eth0", "1.2.3.4::"})
    void notIpv6(String text) {
        assertNull(InetText.parseIpv6(text));
    }

    @Test
    void ipv4MappedStaysIpv6() {
        assertInstanceOf(Inet6Address.class, InetText.parseIpv6("::ffff:10.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "a.b.c.d", "1..2.3", "1234.1.1.1"})
    void notIpv4(String text) {
        assertNull(InetText.parseIpv4(text));
    }

    @Test
    void ipv4() {
        assertEquals("10.0.0.255", InetText.format(InetText.parseIpv4("010.0.0.255")));
    }

    @Test
    void endpointsAsTheApiWritesThem() {
        assertEquals(Optional.of(new Endpoint(InetText.parseIpv4("10.0.0.1"), 80)), Endpoint.parse("10.0.0.1:80"));
        assertEquals(Optional.of(new Endpoint(InetText.parseIpv6("2001:db8::1"), 80)), Endpoint.parse("[2001:db8::1]:80"));
        assertEquals("[2001:db8::1]:80", Endpoint.parse("[2001:0db8::0001]:80").orElseThrow().text());
        assertEquals(Optional.empty(), Endpoint.parse("10.0.0.1"));
        assertEquals(Optional.empty(), Endpoint.parse("10.0.0.1:99999"));
        assertEquals(Optional.empty(), Endpoint.parse("2001:db8::1:80"));
        assertEquals(Optional.empty(), Endpoint.parse("host:80"));
        assertEquals(Optional.empty(), Endpoint.parse(null));
    }

    @Test
    void servicePathsPercentEncodeIpv6Brackets() {
        assertEquals("/api/v1/services/tcp/10.0.0.1:80",
                new ServiceKey(Protocol.TCP, Endpoint.parse("10.0.0.1:80").orElseThrow()).path());
        assertEquals("/api/v1/services/udp/%5B2001:db8::1%5D:53",
                new ServiceKey(Protocol.UDP, Endpoint.parse("[2001:db8::1]:53").orElseThrow()).path());
    }
}
