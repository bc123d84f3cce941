package dev.hodei.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The dashboard is one page (static/ui): {@code /} and {@code /ui/} lead to it. */
@Controller
class DashboardPages {

    @GetMapping("/")
    String root() {
        return "redirect:/ui/";
    }

    @GetMapping({"/ui", "/ui/"})
    String page() {
        return "forward:/ui/index.html";
    }
}
