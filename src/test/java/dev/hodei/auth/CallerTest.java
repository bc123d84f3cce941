package dev.hodei.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The role and namespace policy, without a server. */
class CallerTest {

    static Caller caller(Role role, String... namespaces) {
        return new Caller(null, "t", role, Set.of(namespaces));
    }

    @Test
    void eachRoleIncludesTheOnesBelowIt() {
        assertThat(Role.VIEWER.grants(Permission.READ)).isTrue();
        assertThat(Role.VIEWER.grants(Permission.SUBMIT)).isFalse();
        assertThat(Role.SUBMITTER.grants(Permission.SUBMIT)).isTrue();
        assertThat(Role.SUBMITTER.grants(Permission.MANAGE)).isFalse();
        assertThat(Role.OPERATOR.grants(Permission.MANAGE)).isTrue();
        assertThat(Role.OPERATOR.grants(Permission.ADMIN)).isFalse();
        assertThat(Role.ADMIN.grants(Permission.ADMIN)).isTrue();
    }

    @Test
    void namespacesLimitEveryRoleButAdmin() {
        Caller a = caller(Role.OPERATOR, "team-a");
        assertThat(a.may(Permission.MANAGE, "team-a")).isTrue();
        assertThat(a.may(Permission.READ, "team-b")).isFalse();
        assertThatThrownBy(() -> a.require(Permission.READ, "team-b")).hasMessageContaining("may not use namespace team-b");
        assertThat(caller(Role.ADMIN).may(Permission.ADMIN, "anything")).isTrue();
        assertThat(caller(Role.VIEWER, "*").may(Permission.READ, "anything")).isTrue();
        assertThat(caller(Role.VIEWER, "*").may(Permission.SUBMIT, "anything")).isFalse();
    }

    @Test
    void listsReadTheAskedNamespaceOrAllThatAreAllowed() {
        assertThat(caller(Role.VIEWER, "a", "b").readable("")).containsExactlyInAnyOrder("a", "b");
        assertThat(caller(Role.VIEWER, "a").readable("a")).isEqualTo(List.of("a"));
        assertThat(caller(Role.ADMIN).readable("")).isNull();
        assertThatThrownBy(() -> caller(Role.VIEWER, "a").readable("b")).hasMessageContaining("PERMISSION_DENIED");
    }

    @Test
    void onlyABearerAuthorizationHeaderCarriesAToken() {
        assertThat(ApiAuthentication.bearer("Bearer hodei_x")).isEqualTo("hodei_x");
        assertThat(ApiAuthentication.bearer("bearer  hodei_x ")).isEqualTo("hodei_x");
        assertThat(ApiAuthentication.bearer("Basic abc")).isNull();
        assertThat(ApiAuthentication.bearer(null)).isNull();
    }
}
