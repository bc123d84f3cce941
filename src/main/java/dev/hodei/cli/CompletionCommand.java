package dev.hodei.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shell completion generated from the command model, so it never falls behind the commands. */
@Command(footerHeading = "%nExamples:%n", footer = {"  # In this shell", "  source <(hodei completion bash)", "  # For every new zsh", "  hodei completion zsh > ~/.zfunc/_hodei"},
        name = "completion", description = "Print a shell completion script for bash or zsh.")
class CompletionCommand implements Callable<Integer> {

    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh") Shell shell;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash("hodei", root);
        // picocli's script is bash; zsh runs it through its bash-completion emulation
        if (shell == Shell.zsh) script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        System.out.print(script);
        return 0;
    }
}
