// Strict JSON <-> Eigen helpers for model and HRM files: every accessor names the key that was
// missing, of the wrong type, of the wrong length or not finite.
#pragma once

#include <string>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"

namespace acesniper {

nlohmann::json VectorToJson(const Eigen::VectorXd& v);
nlohmann::json MatrixToJson(const Eigen::MatrixXd& m);  // array of rows

Result<double> JsonNumber(const nlohmann::json& obj, const std::string& key);  // finite
Result<int64_t> JsonInteger(const nlohmann::json& obj, const std::string& key);
Result<bool> JsonBool(const nlohmann::json& obj, const std::string& key);
Result<std::string> JsonString(const nlohmann::json& obj, const std::string& key);
// expected_size < 0: any length.
Result<Eigen::VectorXd> JsonVector(const nlohmann::json& obj, const std::string& key, Eigen::Index expected_size = -1);
Result<Eigen::MatrixXd> JsonMatrix(const nlohmann::json& obj, const std::string& key, Eigen::Index rows, Eigen::Index cols);

}  // namespace acesniper
