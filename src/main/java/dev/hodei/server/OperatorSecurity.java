package dev.hodei.server;

import java.io.IOException;
import java.time.Clock;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

/**
 * The HTTP port is the operator's: Hawtio and its Jolokia bridge can read everything in the JVM,
 * metrics and Camel endpoints describe the jobs. All of it sits behind a login (form or HTTP basic;
 * {@code spring.security.user.*}; unset, the password is generated once into
 * {@code <home>/operator.password}, owner-only, never logged), except the health
 * probes, which answer their status to anyone and their details only to the operator role.
 * {@code hodei.http.anonymous-prometheus} opens the scrape endpoint; only the {@code dev} profile
 * turns the login off. The gRPC API is not affected.
 */
@Configuration(proxyBeanMethods = false)
public class OperatorSecurity {

    @Bean
    LoginThrottle loginThrottle(HodeiProperties props) {
        return new LoginThrottle(props.hawtio().failedLoginLimit(), props.hawtio().failedLoginWindow(), Clock.systemUTC());
    }

    @Bean
    UserDetailsService operator(SecurityProperties security, HodeiProperties props) throws IOException {
        SecurityProperties.User user = security.getUser();
        String password = user.isPasswordGenerated()
                ? PasswordFile.read(PasswordFile.ensure(props.home(), PasswordFile.OPERATOR))
                : user.getPassword();
        // a configured {bcrypt}… (or any {id}…) is already encoded; anything else is the password itself
        String stored = password.matches("^\\{.+}.*$") ? password : "{noop}" + password;
        return new InMemoryUserDetailsManager(User.withUsername(user.getName()).password(stored)
                .roles(user.getRoles().toArray(String[]::new)).build());
    }

    @Bean
    SecurityFilterChain operatorLogin(HttpSecurity http, HodeiProperties props, LoginThrottle throttle) throws Exception {
        // the console's Jolokia calls carry no CSRF token: the session cookie is SameSite=Strict and
        // JolokiaRequestGuard refuses foreign origins and every GET
        http.csrf(csrf -> csrf.disable())
                .addFilterAfter(new JolokiaRequestGuard(), AuthorizationFilter.class);
        if (!props.hawtio().authentication()) {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
        }
        // plain path patterns: Jolokia is a servlet of its own, which MVC-based matchers would miss
        http.authorizeHttpRequests(a -> {
            a.requestMatchers(antMatcher("/actuator/health"), antMatcher("/actuator/health/**"), antMatcher("/error"))
                    .permitAll();
            if (props.http().anonymousPrometheus()) a.requestMatchers(antMatcher("/actuator/prometheus")).permitAll();
            a.anyRequest().authenticated();
        })
                .formLogin(form -> form.defaultSuccessUrl("/actuator/hawtio/", false))
                .httpBasic(Customizer.withDefaults())
                .addFilterBefore(throttle.filter(), UsernamePasswordAuthenticationFilter.class);
        return http.build();
    }
}
