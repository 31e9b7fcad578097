package io.vsd.admin.vsadm;

import static io.vsd.admin.vsadm.FakeResolver.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NameLookupTest {

    /** A resolver whose DNS hangs for one address. */
    private static final class SlowResolver extends ResolverAdapter {
        @Override
        public Optional<String> hostName(InetAddress address) {
            if (address.equals(ip("10.9.9.9"))) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new FakeResolver().hostName(address);
        }
    }

    /** FakeResolver with hostName left open for overriding. */
    private static class ResolverAdapter implements Resolver {
        private final FakeResolver fake = new FakeResolver();

        @Override
        public InetAddress lookup(String hostName) throws java.net.UnknownHostException {
            return fake.lookup(hostName);
        }

        @Override
        public Optional<String> hostName(InetAddress address) {
            return fake.hostName(address);
        }

        @Override
        public java.util.OptionalInt port(String serviceName, Protocol protocol) {
            return fake.port(serviceName, protocol);
        }

        @Override
        public Optional<String> serviceName(int port, Protocol protocol) {
            return fake.serviceName(port, protocol);
        }
    }

    @Test
    void namesThatDoNotAnswerInTimeAreLeftOut() {
        long start = System.nanoTime();
        Map<InetAddress, String> names = NameLookup.hostNames(
                List.of(ip("127.0.0.1"), ip("10.9.9.9"), ip("10.1.0.1"), ip("10.7.7.7"), ip("127.0.0.1")),
                new SlowResolver(), Duration.ofMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(Map.of(ip("127.0.0.1"), "localhost", ip("10.1.0.1"), "web1.example.com"), names);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
    }
}
