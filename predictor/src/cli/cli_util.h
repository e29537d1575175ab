// Helpers shared by the acesniper subcommands.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/hrm/hrm.h"
#include "acesniper/model/latency_dataset.h"

namespace acesniper::cli {

// "a,b,,c" -> {a, b, c}
std::vector<std::string> SplitCommas(const std::string& s);

// Reads the stores (plain or .gz) and the feature table into one dataset of the given batch.
Result<LatencyDataset> LoadDataset(const std::vector<std::string>& stores, const std::string& features, int64_t batch = 1);

// The reference set's networks that the dataset has, in the set's order (a model with d
// references uses the first d). A dataset measured before version 2 of the set has its Table IV
// networks only, and gets those; table_iv_only keeps to them anyway (version 1).
std::vector<std::string> MeasuredReferenceNames(const LatencyDataset& data, bool table_iv_only = false);
// How many of the first `first` names are networks of the generator's extended space (genx-*).
size_t CountExtendedSpace(const std::vector<std::string>& names, size_t first = SIZE_MAX);

// Where the shipped model and HRM vectors live: $ACESNIPER_MODEL_DIR, else the source tree's
// models/default (set at build time), else /usr/share/acesniper/models/default.
std::string DefaultModelDir();

// The shipped HRM vectors: DefaultModelDir()/hrm/*.json, sorted (empty when there are none).
std::vector<std::string> ShippedHrmFiles();
// Reads HRM vector files and checks each against the model's spec; the error names the file.
Result<std::vector<HrmVector>> LoadHrmVectors(const std::vector<std::string>& files, const HrmSpec& spec);

// The simulator's default inputs, in the source tree beside models/default: the evaluation
// results (measured and held-out predicted latencies) and the feature table.
std::string DefaultLatencyTablePath();
std::string DefaultFeatureTablePath();
std::string DefaultBatchStorePath();  // data/zoo.csv.gz: the zoo at batch 1 and 16

}  // namespace acesniper::cli
