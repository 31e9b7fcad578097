package io.vsd.admin.vsadm;

/** An error vsadm reports as one line on stderr, with the exit code it implies. */
final class VsadmException extends Exception {
    /** Bad command line, found before anything was sent to the director. */
    static final int USAGE = 2;
    /** The director refused the request, or could not be reached. */
    static final int DIRECTOR = 1;

    private final int exitCode;

    private VsadmException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static VsadmException usage(String format, Object... args) {
        return new VsadmException(USAGE, args.length == 0 ? format : format.formatted(args));
    }

    static VsadmException director(String format, Object... args) {
        return new VsadmException(DIRECTOR, args.length == 0 ? format : format.formatted(args));
    }

    int exitCode() {
        return exitCode;
    }
}
