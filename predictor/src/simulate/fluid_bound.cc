#include "acesniper/simulate/fluid_bound.h"

#include <glpk.h>

#include <vector>

namespace acesniper {

Result<double> FluidThroughputBound(const Workload& w) {
  const int networks = static_cast<int>(w.table.networks.size()), nodes = static_cast<int>(w.nodes.size());
  if (networks == 0 || nodes == 0) return Status::InvalidArgument("fluid bound: no networks or no nodes");
  const TaskTemplate& tt = w.tasks;
  Task t;
  t.inferences = tt.inferences;
  t.input_mb = tt.inferences * tt.input_mb_per_inference;
  t.result_mb = tt.inferences * tt.result_mb_per_inference;
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MAX);
  // Columns: x_jn (j-major), then r. Rows: one per network (= 0), one per node (<= 1).
  const int x_count = networks * nodes;
  glp_add_cols(lp, x_count + 1);
  for (int c = 1; c <= x_count + 1; ++c) glp_set_col_bnds(lp, c, GLP_LO, 0.0, 0.0);
  glp_set_obj_coef(lp, x_count + 1, 1.0);
  glp_add_rows(lp, networks + nodes);
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0.0};
  const double share = 1.0 / networks;
  for (int j = 0; j < networks; ++j) {
    const int row = j + 1;
    glp_set_row_bnds(lp, row, GLP_FX, 0.0, 0.0);  // sum_n x_jn - p_j r = 0
    for (int n = 0; n < nodes; ++n) {
      ia.push_back(row), ja.push_back(j * nodes + n + 1), ar.push_back(1.0);
    }
    ia.push_back(row), ja.push_back(x_count + 1), ar.push_back(-share);
  }
  for (int n = 0; n < nodes; ++n) {
    const int row = networks + n + 1;
    glp_set_row_bnds(lp, row, GLP_UP, 0.0, 1.0);  // sum_j x_jn s_jn <= 1
    const ClusterNode& node = w.nodes[static_cast<size_t>(n)];
    for (int j = 0; j < networks; ++j) {
      const double s = TransferInSeconds(t, node) + tt.inferences * w.table.measured_ms(j, node.platform) / 1000.0;
      ia.push_back(row), ja.push_back(j * nodes + n + 1), ar.push_back(s);
    }
  }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp params;
  glp_init_smcp(&params);
  params.msg_lev = GLP_MSG_OFF;
  const int rc = glp_simplex(lp, &params);
  const int status = glp_get_status(lp);
  const double bound = glp_get_obj_val(lp);
  glp_delete_prob(lp);
  if (rc != 0 || status != GLP_OPT) return Status::Internal("fluid bound: the simplex did not reach an optimum");
  return bound;
}

}  // namespace acesniper
