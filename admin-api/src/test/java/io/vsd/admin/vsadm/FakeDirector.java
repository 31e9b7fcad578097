package io.vsd.admin.vsadm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the director's admin API on 127.0.0.1: it answers canned JSON per "METHOD raw-path"
 * and records every request vsadm made. Anything not canned gets the API's 404 problem.
 */
final class FakeDirector implements AutoCloseable {
    record Request(String method, String path, String contentType, String body) {
    }

    private record Answer(int status, String contentType, String body) {
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    FakeDirector() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeDirector answer(String method, String path, int status, String json) {
        answers.put(method + " " + path, new Answer(status, "application/json", json));
        return this;
    }

    FakeDirector problem(String method, String path, int status, String type, String title, String detail) {
        String json = """
                {"type": "%s", "title": "%s", "status": %d, "detail": "%s"}""".formatted(type, title, status, detail);
        answers.put(method + " " + path, new Answer(status, "application/problem+json", json));
        return this;
    }

    FakeDirector raw(String method, String path, int status, String contentType, String body) {
        answers.put(method + " " + path, new Answer(status, contentType, body));
        return this;
    }

    /** The Authorization header of each request, in order ("" for none). */
    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            requests.add(new Request(method, path, exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Answer answer = answers.getOrDefault(method + " " + path, new Answer(404, "application/problem+json",
                    "{\"type\":\"urn:vsd:problem:not-found\",\"title\":\"Not found\",\"status\":404,"
                            + "\"detail\":\"no such path " + path + "\"}"));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), answer.status() == 204 || bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0 && answer.status() != 204) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
