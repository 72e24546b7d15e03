package io.cyclelake.cli;

import io.cyclelake.lake.Doctor;
import io.cyclelake.lake.Lake;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check a lake and print what to do: manifest vs tables, failed files, quarantine counts, result "
        + "rows of runs missing from `runs` (a sweep killed before recording them), tables that need OPTIMIZE or VACUUM. Changes nothing.",
        "Exit code 0 when nothing needs doing, 1 otherwise (settings: cyclelake.doctor)."})
final class DoctorCommand extends LakeCommand {
  @Override
  int execute() {
    Lake lake = common.openLake();
    List<Doctor.Finding> findings = Doctor.from(common.config()).check(lake);
    System.out.println("doctor: lake " + lake.root());
    int todo = 0;
    for (Doctor.Finding f : findings) {
      System.out.println("  " + f.level() + "  " + f.table() + ": " + f.what());
      if (!f.action().isEmpty()) System.out.println("        -> " + f.action());
      if (f.level().equals("fix")) todo++;
    }
    System.out.println(todo == 0 ? "doctor: nothing to do" : "doctor: " + todo + " things to do");
    return todo == 0 ? 0 : 1;
  }
}
