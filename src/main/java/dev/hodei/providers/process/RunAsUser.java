package dev.hodei.providers.process;

import dev.hodei.providers.ProvisioningException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The account local jobs run as ({@code hodei.providers.process.run-as-user}), resolved through
 * the system's user database ({@code id}, so NSS/LDAP users work too).
 */
record RunAsUser(String name, int uid, int gid) {

    static RunAsUser resolve(String name) throws ProvisioningException {
        int uid = id(name, "-u");
        int gid = id(name, "-g");
        int self = currentUid();
        if (self != 0 && self != uid) {
            throw new ProvisioningException("hodei.providers.process.run-as-user is '" + name + "', but only a server "
                    + "running as root can start jobs as another user (this one runs as uid " + self + ")");
        }
        return new RunAsUser(name, uid, gid);
    }

    /** Gives the worker's workspace to the user, private to it: it is the job's HOME. */
    void own(Path workspace) throws IOException {
        Files.setAttribute(workspace, "unix:uid", uid);
        Files.setAttribute(workspace, "unix:gid", gid);
    }

    private static int id(String name, String flag) throws ProvisioningException {
        try {
            Process p = new ProcessBuilder("id", flag, "--", name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new ProvisioningException("hodei.providers.process.run-as-user '" + name + "' is not a user on "
                        + "this machine (" + out + ")");
            }
            return Integer.parseInt(out);
        } catch (IOException | NumberFormatException e) {
            throw new ProvisioningException("cannot look up user '" + name + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted looking up user '" + name + "'", e);
        }
    }

    private static int currentUid() throws ProvisioningException {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new ProvisioningException("cannot tell which user this server runs as: " + e.getMessage(), e);
        }
    }
}
