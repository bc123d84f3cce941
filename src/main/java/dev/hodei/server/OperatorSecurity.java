package dev.hodei.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

/**
 * Hawtio and its Jolokia bridge can read and change everything in the JVM, so they sit behind a
 * login (form or HTTP basic; user {@code hodei.hawtio.user}, password
 * {@code hodei.hawtio.password}, generated and logged when unset). Only the {@code dev} profile
 * turns it off. Health, Prometheus and the gRPC API are not affected.
 */
@Configuration(proxyBeanMethods = false)
public class OperatorSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain hawtio(HttpSecurity http,
                               @Value("${hodei.hawtio.authentication:true}") boolean authentication) throws Exception {
        // plain path patterns: Jolokia is a servlet of its own, which MVC-based matchers would miss
        http.securityMatcher(new OrRequestMatcher(antMatcher("/actuator/hawtio/**"), antMatcher("/actuator/jolokia/**"),
                        antMatcher("/actuator/jolokia"), antMatcher("/login"), antMatcher("/logout")))
                // the console's Jolokia calls carry no CSRF token; the session cookie is SameSite=Lax
                .csrf(csrf -> csrf.disable());
        if (authentication) {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .formLogin(form -> form.defaultSuccessUrl("/actuator/hawtio/", false))
                    .httpBasic(Customizer.withDefaults());
        } else {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        }
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(csrf -> csrf.disable()).build();
    }
}
