// The acesniper subcommands. Each returns the process exit code; errors go to stderr.
#pragma once

#include <CLI/CLI.hpp>

namespace acesniper::cli {

void AddGenerateCommand(CLI::App& app, int& exit_code);
void AddAnalyzeCommand(CLI::App& app, int& exit_code);
void AddPlatformsCommand(CLI::App& app, int& exit_code);
void AddMeasureCommand(CLI::App& app, int& exit_code);
void AddMeasureWorkerCommand(CLI::App& app, int& exit_code);
void AddFeaturesCommand(CLI::App& app, int& exit_code);
void AddTrainCommand(CLI::App& app, int& exit_code);
void AddHrmCommand(CLI::App& app, int& exit_code);
void AddPredictCommand(CLI::App& app, int& exit_code);
void AddEvaluateCommand(CLI::App& app, int& exit_code);
void AddEvaluatePublicCommand(CLI::App& app, int& exit_code);
void AddBenchPredictCommand(CLI::App& app, int& exit_code);
void AddSimulateCommand(CLI::App& app, int& exit_code);
void AddBenchScheduleCommand(CLI::App& app, int& exit_code);

}  // namespace acesniper::cli
