package io.vsd.admin.vsadm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code --import-keepalived} is handed by bin/vsadm to the director's classes (docs/keepalived.md); vsadm's own
 * class, run without the script, says so in one line rather than calling it an unknown option.
 */
class ImportKeepalivedFlagTest {
    @Test
    void theFlagReachingVsadmItselfIsOneLineAndExitTwo() {
        VsadmRun r = VsadmRun.run(VsadmRun.NO_DIRECTOR, "--import-keepalived", "keepalived.conf");
        assertEquals(2, r.exitCode());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("vsadm: --import-keepalived is run by bin/vsadm"), r.err());
    }

    @Test
    void helpNamesTheFlag() {
        assertTrue(VsadmRun.run(VsadmRun.NO_DIRECTOR, "-h").out().contains("vsadm --import-keepalived FILE"));
    }
}
