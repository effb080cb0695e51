package org.edgeota.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.edgeota.api.OtaException;
import org.edgeota.api.ReasonCode;
import org.edgeota.partition.UBootEnv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code ota env} commands: read and change a U-Boot environment like fw_printenv/fw_setenv.
 */
@Command(
    name = "env",
    mixinStandardHelpOptions = true,
    description =
        "Print and set U-Boot environment variables; byte-compatible with fw_printenv/fw_setenv.",
    subcommands = {EnvCommand.Print.class, EnvCommand.SetVars.class})
final class EnvCommand {

  /** {@code ota env print -c FW_ENV_CONFIG [-n] [NAME...]}. */
  @Command(
      name = "print",
      mixinStandardHelpOptions = true,
      description = {
        "Print variables as name=value lines, as fw_printenv does: all of them sorted by name, or"
            + " the NAMEs given in that order.",
        "Exit status: 0 ok, 2 a NAME is not set (the others are still printed) or no copy of"
            + " the environment passes its CRC check, 4 I/O failure."
      })
  static final class Print implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FW_ENV_CONFIG",
        description = "The fw_env.config file that locates the environment.")
    Path config;

    @Option(
        names = {"-n", "--noheader"},
        description = "Print only the value (exactly one NAME).")
    boolean valueOnly;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Variables to print.")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() {
      if (valueOnly && names.size() != 1) {
        throw new OtaException(
            ReasonCode.INVALID_ARGUMENT,
            Integer.toString(names.size()),
            "-n: expected exactly one NAME, found " + names.size());
      }
      Map<String, String> vars = UBootEnv.fromConfig(config).read();
      PrintWriter out = spec.commandLine().getOut();
      if (names.isEmpty()) {
        List<String> sorted = new ArrayList<>(vars.keySet());
        sorted.sort(
            (a, b) ->
                Arrays.compareUnsigned(
                    a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        sorted.forEach(n -> out.println(n + "=" + vars.get(n)));
        out.flush();
        return OtaCli.EXIT_OK;
      }
      int status = OtaCli.EXIT_OK;
      for (String n : names) {
        String v = vars.get(n);
        if (v == null) {
          spec.commandLine().getErr().println("ota: variable '" + n + "' is not set");
          status = OtaCli.EXIT_INVALID_INPUT;
        } else {
          out.println(valueOnly ? v : n + "=" + v);
        }
      }
      out.flush();
      return status;
    }
  }

  /** {@code ota env set -c FW_ENV_CONFIG NAME=VALUE...}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Set variables in one write (atomic with a redundant environment); NAME= (empty value)"
            + " deletes NAME, as fw_setenv does.",
        "Nothing is written when a name is invalid, the environment would overflow, or no copy"
            + " passes its CRC check.",
        "Exit status: 0 ok, 2 invalid name, overflow or no valid copy, 4 the device or file"
            + " cannot be read or written, or the written copy does not read back."
      })
  static final class SetVars implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FW_ENV_CONFIG",
        description = "The fw_env.config file that locates the environment.")
    Path config;

    @Parameters(paramLabel = "NAME=VALUE", arity = "1..*", description = "Assignments.")
    List<String> assignments = new ArrayList<>();

    @Override
    public Integer call() {
      Map<String, String> set = new LinkedHashMap<>();
      Set<String> unset = new HashSet<>();
      for (String a : assignments) {
        int eq = a.indexOf('=');
        if (eq < 0) {
          throw new OtaException(
              ReasonCode.INVALID_ARGUMENT,
              a,
              "assignment: expected NAME=VALUE (or NAME= to delete), found '" + a + "'");
        }
        String name = a.substring(0, eq);
        String value = a.substring(eq + 1);
        if (value.isEmpty()) {
          unset.add(name);
          set.remove(name);
        } else {
          set.put(name, value);
          unset.remove(name);
        }
      }
      UBootEnv.fromConfig(config).update(set, unset);
      return OtaCli.EXIT_OK;
    }
  }

  private EnvCommand() {}
}
