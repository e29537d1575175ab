// acesniper: the command-line front of the predictor library. main only wires subcommands.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"acesniper: DNN latency prediction for heterogeneous edge devices (Ace-Sniper)"};
  app.require_subcommand(1);
  int exit_code = 0;
  acesniper::cli::AddGenerateCommand(app, exit_code);
  acesniper::cli::AddAnalyzeCommand(app, exit_code);
  acesniper::cli::AddPlatformsCommand(app, exit_code);
  acesniper::cli::AddMeasureCommand(app, exit_code);
  acesniper::cli::AddMeasureWorkerCommand(app, exit_code);
  acesniper::cli::AddFeaturesCommand(app, exit_code);
  acesniper::cli::AddTrainCommand(app, exit_code);
  acesniper::cli::AddHrmCommand(app, exit_code);
  acesniper::cli::AddPredictCommand(app, exit_code);
  acesniper::cli::AddEvaluateCommand(app, exit_code);
  acesniper::cli::AddEvaluatePublicCommand(app, exit_code);
  acesniper::cli::AddBenchPredictCommand(app, exit_code);
  acesniper::cli::AddSimulateCommand(app, exit_code);
  acesniper::cli::AddBenchScheduleCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
