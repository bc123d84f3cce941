package dev.hodei.cli;

import hodei.v1.ApiToken;
import hodei.v1.AuditEntry;
import hodei.v1.AuditServiceGrpc;
import hodei.v1.CreateTokenRequest;
import hodei.v1.CreateTokenResponse;
import hodei.v1.ListAuditRequest;
import hodei.v1.ListAuditResponse;
import hodei.v1.ListTokensRequest;
import hodei.v1.RevokeTokenRequest;
import hodei.v1.Role;
import hodei.v1.TokenServiceGrpc;
import hodei.v1.WhoAmIRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(footerHeading = "%nExamples:%n", footer = {"  # A submitter token for one team, valid 90 days", "  hodei token create ci-data --role submitter -N team-data --ttl 90d"},
        name = "token", description = "API tokens: who may call the control plane, with which role, in which namespaces.")
class TokenCommands {

    /** Its commands: built by {@link HodeiCli#commandLine} only when a call names them. */
    static final List<Class<?>> COMMANDS = List.of(
            TokenCommands.Create.class, TokenCommands.ListTokens.class, TokenCommands.Revoke.class,
            TokenCommands.WhoAmI.class);

    @Command(footerHeading = "%nExamples:%n", footer = {"  # A submitter token for one team, valid 90 days", "  hodei token create ci-data --role submitter -N team-data --ttl 90d", "  # A read-only token for every namespace", "  hodei token create dashboards --role viewer -N '*'"},
        name = "create", description = {"Create a token and print it (shown once; the server keeps only its hash)."})
    static class Create implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--role", required = true, description = "viewer, submitter, operator or admin") String role;
        @Option(names = {"-N", "--namespace"}, paramLabel = "NS", description = "A namespace it may use, or '*' "
                + "(repeatable; not needed for admin)") List<String> namespaces = new ArrayList<>();
        @Option(names = "--ttl", description = "Lifetime, e.g. 12h, 90d (default: no expiry)") String ttl;

        @Override
        public Integer call() {
            CreateTokenRequest.Builder req = CreateTokenRequest.newBuilder().setName(name)
                    .setRole(Role.valueOf("ROLE_" + role.toUpperCase())).addAllNamespaces(namespaces);
            if (ttl != null) req.setTtlSeconds(parseDuration(ttl).toSeconds());
            CreateTokenResponse r = server.call(c -> TokenServiceGrpc.newBlockingStub(c).createToken(req.build()));
            System.out.println(r.getSecret());
            System.err.println("hodei: token " + r.getToken().getName() + " (" + role(r.getToken()) + ", namespaces "
                    + String.join(",", r.getToken().getNamespacesList()) + ") created; it is not shown again");
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # Revoked ones too", "  hodei token list --all"},
        name = "list", description = "List tokens (never their secrets).")
    static class ListTokens implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Option(names = "--all", description = "Include revoked tokens") boolean all;
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            var r = server.call(c -> TokenServiceGrpc.newBlockingStub(c)
                    .listTokens(ListTokensRequest.newBuilder().setIncludeRevoked(all).build()));
            if (output.printed(r)) return 0;
            System.out.printf("%-28s %-10s %-24s %-20s %-25s %s%n", "NAME", "ROLE", "NAMESPACES", "CREATED BY", "EXPIRES",
                    "REVOKED");
            for (ApiToken t : r.getTokensList()) {
                System.out.printf("%-28s %-10s %-24s %-20s %-25s %s%n", t.getName(), role(t),
                        String.join(",", t.getNamespacesList()), t.getCreatedBy(),
                        t.hasExpiresAt() ? JobOutput.instant(t.getExpiresAt()) : "never",
                        t.hasRevokedAt() ? JobOutput.instant(t.getRevokedAt()) : "");
            }
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei token revoke ci-data"},
        name = "revoke", description = "Revoke a token: its next call is refused.")
    static class Revoke implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Parameters(paramLabel = "NAME_OR_ID") String token;

        @Override
        public Integer call() {
            ApiToken t = server.call(c -> TokenServiceGrpc.newBlockingStub(c)
                    .revokeToken(RevokeTokenRequest.newBuilder().setToken(token).build()));
            System.out.println(t.getName() + " revoked");
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  hodei token whoami"},
        name = "whoami", description = "The token in use: name, role, namespaces.")
    static class WhoAmI implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            ApiToken t = server.call(c -> TokenServiceGrpc.newBlockingStub(c).whoAmI(WhoAmIRequest.getDefaultInstance()));
            if (output.printed(t)) return 0;
            System.out.println(t.getName() + " (" + role(t) + ", namespaces " + String.join(",", t.getNamespacesList()) + ")");
            return 0;
        }
    }

    @Command(footerHeading = "%nExamples:%n", footer = {"  # The latest refusals and token changes", "  hodei audit --limit 20"},
        name = "audit", description = "Refused calls and token changes, newest first (admins).")
    static class Audit implements Callable<Integer> {
        @Mixin ServerAddress server;
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--before", defaultValue = "0", description = "Entries older than this id") long before;
        @Mixin OutputFormat output;

        @Override
        public Integer call() {
            ListAuditResponse r = server.call(c -> AuditServiceGrpc.newBlockingStub(c).listAudit(
                    ListAuditRequest.newBuilder().setPageSize(limit).setBeforeId(before).build()));
            if (output.printed(r)) return 0;
            System.out.printf("%-8s %-27s %-18s %-22s %-40s %-18s %s%n", "ID", "TIME", "OUTCOME", "PRINCIPAL", "RPC",
                    "PEER", "REASON");
            for (AuditEntry e : r.getEntriesList()) {
                System.out.printf("%-8d %-27s %-18s %-22s %-40s %-18s %s%n", e.getId(), JobOutput.instant(e.getTime()),
                        e.getOutcome(), e.getPrincipal(), e.getRpc(), e.getPeer(), e.getReason());
            }
            if (r.getNextBeforeId() != 0) System.err.println("older: --before " + r.getNextBeforeId());
            return 0;
        }
    }

    static String role(ApiToken t) {
        return t.getRole().name().substring("ROLE_".length()).toLowerCase();
    }

    /** 90s, 15m, 12h, 90d. */
    static Duration parseDuration(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,7})([smhd])").matcher(s.strip());
        if (!m.matches()) throw new IllegalArgumentException("--ttl: give a number and s, m, h or d, e.g. 90d");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
