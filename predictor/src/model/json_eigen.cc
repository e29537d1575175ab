#include "acesniper/model/json_eigen.h"

#include <cmath>

namespace acesniper {

namespace {

Result<const nlohmann::json*> Member(const nlohmann::json& obj, const std::string& key) {
  if (!obj.is_object()) return Status::InvalidArgument("expected a JSON object holding '" + key + "'");
  auto it = obj.find(key);
  if (it == obj.end()) return Status::InvalidArgument("missing key '" + key + "'");
  return &*it;
}

}  // namespace

nlohmann::json VectorToJson(const Eigen::VectorXd& v) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v(i));
  return a;
}

nlohmann::json MatrixToJson(const Eigen::MatrixXd& m) {
  nlohmann::json a = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) a.push_back(VectorToJson(m.row(r).transpose()));
  return a;
}

Result<double> JsonNumber(const nlohmann::json& obj, const std::string& key) {
  Result<const nlohmann::json*> m = Member(obj, key);
  if (!m.ok()) return m.status();
  if (!(*m)->is_number()) return Status::InvalidArgument("'" + key + "' must be a number");
  double v = (*m)->get<double>();
  if (!std::isfinite(v)) return Status::InvalidArgument("'" + key + "' must be finite");
  return v;
}

Result<int64_t> JsonInteger(const nlohmann::json& obj, const std::string& key) {
  Result<const nlohmann::json*> m = Member(obj, key);
  if (!m.ok()) return m.status();
  if (!(*m)->is_number_integer()) return Status::InvalidArgument("'" + key + "' must be an integer");
  return (*m)->get<int64_t>();
}

Result<bool> JsonBool(const nlohmann::json& obj, const std::string& key) {
  Result<const nlohmann::json*> m = Member(obj, key);
  if (!m.ok()) return m.status();
  if (!(*m)->is_boolean()) return Status::InvalidArgument("'" + key + "' must be true or false");
  return (*m)->get<bool>();
}

Result<std::string> JsonString(const nlohmann::json& obj, const std::string& key) {
  Result<const nlohmann::json*> m = Member(obj, key);
  if (!m.ok()) return m.status();
  if (!(*m)->is_string()) return Status::InvalidArgument("'" + key + "' must be a string");
  return (*m)->get<std::string>();
}

Result<Eigen::VectorXd> JsonVector(const nlohmann::json& obj, const std::string& key, Eigen::Index expected_size) {
  Result<const nlohmann::json*> m = Member(obj, key);
  if (!m.ok()) return m.status();
  const nlohmann::json& a = **m;
  if (!a.is_array()) return Status::InvalidArgument("'" + key + "' must be an array of numbers");
  if (expected_size >= 0 && static_cast<Eigen::Index>(a.size()) != expected_size)
    return Status::InvalidArgument("'" + key + "' has " + std::to_string(a.size()) + " numbers, expected " +
                                   std::to_string(expected_size));
  Eigen::VectorXd v(static_cast<Eigen::Index>(a.size()));
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_number()) return Status::InvalidArgument("'" + key + "'[" + std::to_string(i) + "] is not a number");
    v(static_cast<Eigen::Index>(i)) = a[i].get<double>();
    if (!std::isfinite(v(static_cast<Eigen::Index>(i))))
      return Status::InvalidArgument("'" + key + "'[" + std::to_string(i) + "] is not finite");
  }
  return v;
}

Result<Eigen::MatrixXd> JsonMatrix(const nlohmann::json& obj, const std::string& key, Eigen::Index rows,
                                   Eigen::Index cols) {
  Result<const nlohmann::json*> m = Member(obj, key);
  if (!m.ok()) return m.status();
  const nlohmann::json& a = **m;
  if (!a.is_array() || static_cast<Eigen::Index>(a.size()) != rows)
    return Status::InvalidArgument("'" + key + "' must be an array of " + std::to_string(rows) + " rows");
  Eigen::MatrixXd out(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    nlohmann::json holder = {{"row", a[static_cast<size_t>(r)]}};
    Result<Eigen::VectorXd> row = JsonVector(holder, "row", cols);
    if (!row.ok()) return Status::InvalidArgument("'" + key + "' row " + std::to_string(r) + ": " + row.status().message());
    out.row(r) = row->transpose();
  }
  return out;
}

}  // namespace acesniper
