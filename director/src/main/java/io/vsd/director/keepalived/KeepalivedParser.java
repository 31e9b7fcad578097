package io.vsd.director.keepalived;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Reads keepalived.conf's syntax into a tree of {@link Node}s: words separated by blanks, nested {@code { }}
 * blocks, {@code #} and {@code !} comments, quoted strings, and {@code include} (and its variants) resolved
 * against the including file's directory, with globs. It knows nothing of what the keywords mean.
 */
final class KeepalivedParser {
  /** keepalived's include and its checking variants (keepalived.conf(5), "include"). */
  static final Set<String> INCLUDES = Set.of("include", "includer", "includem", "includew", "includeb", "includea");

  /** A keepalived.conf that cannot be read as a whole: one line to the operator. */
  static final class ParseException extends Exception {
    ParseException(String message) {
      super(message);
    }
  }

  /**
   * One statement: a keyword, its words, and its block when it opens one (null otherwise). {@code seq} orders
   * statements as they were read, across included files; {@code endLine} is the line of a block's closing brace.
   */
  record Node(String keyword, List<String> args, List<Node> block, String file, int line, int seq, int[] endLine) {
    Node(String keyword, List<String> args, List<Node> block, String file, int line, int seq) {
      this(keyword, args, block, file, line, seq, new int[] {line});
    }

    String where() {
      return file + ":" + line;
    }

    String arg(int i) {
      return i < args.size() ? args.get(i) : null;
    }
  }

  private int seq;

  /** An {@code include} that matched no file, or could not be read: listed, as keepalived would skip it. */
  record Skipped(Node include, String why) {}

  private static final int MAX_INCLUDE_DEPTH = 32;

  private final List<Skipped> skipped = new ArrayList<>();

  List<Skipped> skipped() {
    return skipped;
  }

  /** @param name the file as the operator named it; included files are named relative to it */
  List<Node> parse(Path file, String name) throws ParseException {
    List<Node> top = new ArrayList<>();
    Deque<Open> open = new ArrayDeque<>();
    read(file, name, top, open, 0);
    if (!open.isEmpty()) {
      Open o = open.getLast();
      throw new ParseException(o.node.where() + ": unbalanced braces: the " + o.node.keyword()
          + " block opened here is never closed (a } is missing)");
    }
    return top;
  }

  /** A block being read; includes may open and close blocks across files, as keepalived's reader allows. */
  private record Open(Node node) {}

  private void read(Path file, String name, List<Node> top, Deque<Open> open, int depth) throws ParseException {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        // keepalived reads bytes: a Latin-1 comment must not make the file unreadable.
        text = new String(bytes, StandardCharsets.ISO_8859_1);
      }
    } catch (NoSuchFileException e) {
      throw new ParseException(name + ": no such file");
    } catch (AccessDeniedException e) {
      throw new ParseException(name + ": permission denied");
    } catch (IOException e) {
      throw new ParseException(name + ": " + (Files.isDirectory(file) ? "is a directory, not a file" : "cannot read: "
          + e.getMessage()));
    }
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      List<String> words = words(lines[i], name, lineNo);
      // A line may hold several statements around braces: "real_server 10.0.0.1 80 { weight 2 }".
      List<String> statement = new ArrayList<>();
      for (String w : words) {
        if (w.equals("{")) {
          Node node;
          if (statement.isEmpty()) {
            // A "{" alone on its line opens the block of the statement above it.
            List<Node> into = open.isEmpty() ? top : open.getLast().node.block();
            Node last = into.isEmpty() ? null : into.get(into.size() - 1);
            if (last == null || last.block() != null || INCLUDES.contains(last.keyword())) {
              throw new ParseException(name + ":" + lineNo + ": a { that follows no keyword");
            }
            node = new Node(last.keyword(), last.args(), new ArrayList<>(), last.file(), last.line(), last.seq());
            into.set(into.size() - 1, node);
          } else {
            node = new Node(statement.get(0), List.copyOf(statement.subList(1, statement.size())), new ArrayList<>(),
                name, lineNo, seq++);
            add(top, open, node);
            statement.clear();
          }
          open.addLast(new Open(node));
        } else if (w.equals("}")) {
          flush(statement, top, open, file, name, lineNo, depth);
          if (open.isEmpty()) {
            throw new ParseException(name + ":" + lineNo + ": unbalanced braces: a } closes no block");
          }
          Open closed = open.removeLast();
          if (closed.node.file().equals(name)) {
            closed.node.endLine()[0] = lineNo;
          }
        } else {
          statement.add(w);
        }
      }
      flush(statement, top, open, file, name, lineNo, depth);
    }
  }

  private void flush(List<String> statement, List<Node> top, Deque<Open> open, Path file, String name, int line,
                     int depth) throws ParseException {
    if (statement.isEmpty()) {
      return;
    }
    Node node = new Node(statement.get(0), List.copyOf(statement.subList(1, statement.size())), null, name, line, seq++);
    statement.clear();
    if (INCLUDES.contains(node.keyword())) {
      include(node, file, name, top, open, depth);
    } else {
      add(top, open, node);
    }
  }

  private static void add(List<Node> top, Deque<Open> open, Node node) {
    (open.isEmpty() ? top : open.getLast().node.block()).add(node);
  }

  private void include(Node node, Path file, String name, List<Node> top, Deque<Open> open, int depth)
      throws ParseException {
    if (node.args().size() != 1) {
      skipped.add(new Skipped(node, "include takes one file name (a glob), got " + node.args().size()));
      return;
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      throw new ParseException(node.where() + ": includes nested more than " + MAX_INCLUDE_DEPTH
          + " deep (does a file include itself?)");
    }
    String pattern = node.arg(0);
    Path dir = file.toAbsolutePath().getParent();
    List<Path> matches;
    try {
      matches = glob(dir, pattern);
    } catch (IOException | RuntimeException e) {
      skipped.add(new Skipped(node, "cannot expand " + pattern + ": " + e.getMessage()));
      return;
    }
    if (matches.isEmpty()) {
      skipped.add(new Skipped(node, "no file matches " + pattern + " (relative to " + dir + ")"));
      return;
    }
    Path nameDir = Path.of(name).getParent();
    for (Path m : matches) {
      // Named as the operator would reach it from where the top file was named.
      Path rel = Path.of(pattern).isAbsolute() ? m : (nameDir == null ? Path.of("") : nameDir).resolve(dir.relativize(m));
      read(m, rel.normalize().toString(), top, open, depth + 1);
    }
  }

  /** The files a glob names, sorted as glob(3) sorts them; each path element may hold wildcards. */
  static List<Path> glob(Path dir, String pattern) throws IOException {
    Path p = Path.of(pattern);
    Path start = p.isAbsolute() ? p.getRoot() : dir;
    List<Path> current = List.of(start);
    for (Path element : p) {
      String part = element.toString();
      List<Path> next = new ArrayList<>();
      boolean wild = part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
      for (Path base : current) {
        if (!wild) {
          Path candidate = base.resolve(part);
          if (Files.exists(candidate)) {
            next.add(candidate);
          }
        } else if (Files.isDirectory(base)) {
          try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, part)) {
            for (Path e : entries) {
              next.add(e);
            }
          }
        }
      }
      next.sort(null);
      current = next;
    }
    return current.stream().filter(Files::isRegularFile).toList();
  }

  /** Splits a line into words: braces are words of their own, comments end the line, quotes group. */
  static List<String> words(String line, String file, int lineNo) throws ParseException {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"' || c == '\'') {
        int end = i + 1;
        StringBuilder quoted = word == null ? new StringBuilder() : word;
        boolean closed = false;
        while (end < line.length()) {
          char q = line.charAt(end);
          if (q == '\\' && end + 1 < line.length()) {
            quoted.append(unescape(line.charAt(end + 1)));
            end += 2;
          } else if (q == c) {
            closed = true;
            break;
          } else {
            quoted.append(q);
            end++;
          }
        }
        if (!closed) {
          throw new ParseException(file + ":" + lineNo + ": unterminated quoted string (a " + c + " is missing)");
        }
        word = quoted;
        i = end + 1;
      } else if (c == '#' || c == '!') {
        break;
      } else if (Character.isWhitespace(c) || c == '{' || c == '}') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        if (c == '{' || c == '}') {
          words.add(String.valueOf(c));
        }
        i++;
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
        i++;
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static char unescape(char c) {
    return switch (c) {
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      default -> c;
    };
  }
}
