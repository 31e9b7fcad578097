package io.vsd.admin.vsadm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vsd.admin.vsadm.Command.RealServer;
import io.vsd.admin.vsadm.Command.ServiceAttributes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The director's admin API (docs/admin-api.md), one blocking call per ipvsadm command. */
final class DirectorClient implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final String SERVICES = "/api/v1/services";
    private static final String JSON = "application/json";

    private final URI base;
    private final DirectorToken token;
    // Held for the whole run and closed at its end: an unreferenced HttpClient may shut down mid-request.
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    DirectorClient(URI base, DirectorToken token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    ApiTypes.Info info() throws VsadmException {
        return read(send("GET", "/api/v1/info", null), ApiTypes.Info.class);
    }

    ApiTypes.Table services() throws VsadmException {
        return read(send("GET", SERVICES, null), ApiTypes.Table.class);
    }

    ApiTypes.Service service(ServiceKey service) throws VsadmException {
        return read(send("GET", service.path(), null), ApiTypes.Service.class);
    }

    void addService(ServiceKey service, ServiceAttributes attributes) throws VsadmException {
        send("POST", SERVICES, serviceBody(service, attributes));
    }

    void editService(ServiceKey service, ServiceAttributes attributes) throws VsadmException {
        send("PUT", service.path(), serviceBody(service, attributes));
    }

    void deleteService(ServiceKey service) throws VsadmException {
        send("DELETE", service.path(), null);
    }

    void clear() throws VsadmException {
        send("DELETE", SERVICES, null);
    }

    void addServer(ServiceKey service, RealServer server) throws VsadmException {
        send("POST", service.path() + "/servers", serverBody(server));
    }

    void editServer(ServiceKey service, RealServer server) throws VsadmException {
        send("PUT", serverPath(service, server.address()), serverBody(server));
    }

    void deleteServer(ServiceKey service, Endpoint server) throws VsadmException {
        send("DELETE", serverPath(service, server), null);
    }

    /** {@code -Z [service]}: this director's counters to 0. */
    void zero(ServiceKey service) throws VsadmException {
        send("POST", (service == null ? "/api/v1" : service.path()) + "/stats/zero", null);
    }

    /** {@code -L --timeout}. */
    ApiTypes.Timeouts timeouts() throws VsadmException {
        return read(send("GET", "/api/v1/timeouts", null), ApiTypes.Timeouts.class);
    }

    /** {@code --set tcp tcpfin udp}: 0 keeps a value as it is, as the API takes it. */
    void setTimeouts(Command.SetTimeouts timeouts) throws VsadmException {
        send("PUT", "/api/v1/timeouts", timeoutsBody(timeouts));
    }

    /** {@code -L -c}: at most {@code limit} of this director's connections. */
    ApiTypes.Connections connections(int limit) throws VsadmException {
        return read(send("GET", "/api/v1/connections?limit=" + limit, null), ApiTypes.Connections.class);
    }

    private ObjectNode timeoutsBody(Command.SetTimeouts t) {
        return json.createObjectNode().put("tcp", t.tcp()).put("tcpfin", t.tcpfin()).put("udp", t.udp());
    }

    /** {@code -R}: every change in one request, which the director applies all or none. */
    void batch(java.util.List<RestoreFile.Line> lines) throws VsadmException {
        ObjectNode body = json.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode operations = body.putArray("operations");
        for (RestoreFile.Line line : lines) {
            operations.add(operation(line.command()).put("line", line.number()));
        }
        send("POST", "/api/v1/batch", body);
    }

    /** A change as the table takes it in a batch (docs/event-bus.md): action, service, server, body. */
    private ObjectNode operation(Command.ForDirector command) {
        ObjectNode op = json.createObjectNode();
        switch (command) {
            case Command.AddService(var service, var attributes) ->
                    op.put("action", "add-service").set("body", serviceBody(service, attributes));
            case Command.EditService(var service, var attributes) -> op.put("action", "edit-service")
                    .put("service", tableKey(service)).set("body", serviceBody(service, attributes));
            case Command.DeleteService(var service) -> op.put("action", "delete-service").put("service", tableKey(service));
            case Command.Clear() -> op.put("action", "clear");
            case Command.AddServer(var service, var server) -> op.put("action", "add-server")
                    .put("service", tableKey(service)).set("body", serverBody(server));
            case Command.EditServer(var service, var server) -> op.put("action", "edit-server")
                    .put("service", tableKey(service)).put("server", server.address().text()).set("body", serverBody(server));
            case Command.DeleteServer(var service, var server) -> op.put("action", "delete-server")
                    .put("service", tableKey(service)).put("server", server.text());
            case Command.SetTimeouts t -> op.put("action", "set-timeouts").set("body", timeoutsBody(t));
            default -> throw new IllegalArgumentException("not a change: " + command);
        }
        return op;
    }

    private static String tableKey(ServiceKey service) {
        return service.protocol().api() + "/" + service.vip().text();
    }

    private static String serverPath(ServiceKey service, Endpoint server) {
        return service.path() + "/servers/" + ServiceKey.pathSegment(server);
    }

    private ObjectNode serviceBody(ServiceKey service, ServiceAttributes attributes) {
        ObjectNode body = json.createObjectNode();
        body.put("protocol", service.protocol().api());
        body.put("address", service.vip().text());
        body.put("scheduler", attributes.scheduler());
        attributes.schedFlags().forEach(body.putArray("flags")::add);
        if (attributes.persistence() == null) {
            body.putNull("persistence");
        } else {
            body.putObject("persistence")
                    .put("timeout", attributes.persistence().timeout())
                    .put("netmask", attributes.persistence().netmask());
        }
        body.put("ops", attributes.ops());
        return body;
    }

    private ObjectNode serverBody(RealServer server) {
        ObjectNode body = json.createObjectNode();
        body.put("address", server.address().text());
        body.put("forward", server.forward().api());
        body.put("weight", server.weight());
        body.put("upper", server.upper());
        body.put("lower", server.lower());
        return body;
    }

    private HttpResponse<String> send(String method, String path, ObjectNode body) throws VsadmException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", JSON);
        if (token.header() != null) {
            request.header("Authorization", token.header());
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", JSON)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw VsadmException.director("cannot reach the director at %s: connect timed out", base);
        } catch (HttpTimeoutException e) {
            throw VsadmException.director("the director at %s did not answer within %ds", base, REQUEST_TIMEOUT.toSeconds());
        } catch (IOException e) {
            throw VsadmException.director("cannot reach the director at %s: %s", base, reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VsadmException.director("interrupted while talking to the director at %s", base);
        }
        if (response.statusCode() == 401) {
            throw VsadmException.director("%s", token.refused(problem(response)));
        }
        if (response.statusCode() == 403) {
            throw VsadmException.director("permission denied: %s", problem(response));
        }
        if (response.statusCode() / 100 != 2) {
            throw VsadmException.director("%s", problem(response));
        }
        return response;
    }

    /** The problem+json detail, else its title, else the bare status. */
    private String problem(HttpResponse<String> response) {
        try {
            ApiTypes.Problem problem = json.readValue(response.body(), ApiTypes.Problem.class);
            if (problem.detail() != null && !problem.detail().isBlank()) {
                return problem.detail();
            }
            if (problem.title() != null && !problem.title().isBlank()) {
                return problem.title();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // Not a problem document (a proxy's error page, say): fall through to the status.
        }
        return "the director answered HTTP " + response.statusCode() + " to " + response.request().method()
                + " " + response.request().uri().getRawPath();
    }

    private <T> T read(HttpResponse<String> response, Class<T> type) throws VsadmException {
        try {
            T value = json.readValue(response.body(), type);
            if (value == null) {
                throw VsadmException.director("unexpected answer from the director to GET %s: empty",
                        response.request().uri().getRawPath());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw VsadmException.director("unexpected answer from the director to GET %s: %s",
                    response.request().uri().getRawPath(), e.getOriginalMessage());
        }
    }

    /**
     * Why the director could not be reached. HttpClient drops the operating system's word ("Connection
     * refused") on the way up, so a plain socket asks again for it.
     */
    private String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return connectFailure();
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host " + base.getHost();
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private String connectFailure() {
        int port = base.getPort() >= 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
            return "connection failed";
        } catch (UnknownHostException e) {
            return "unknown host " + base.getHost();
        } catch (SocketTimeoutException e) {
            return "connect timed out";
        } catch (IOException e) {
            return e.getMessage() != null ? e.getMessage() : "connection failed";
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
