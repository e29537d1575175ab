#include "acesniper/kube/kubeconfig.h"

#include <filesystem>

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

namespace acesniper::kube {

namespace {

Result<std::string> Base64Decode(const std::string& field, const std::string& in) {
  std::string clean;
  for (char c : in)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  if (clean.size() % 4 != 0) return Status::InvalidArgument(field + " is not base64 (length " + std::to_string(clean.size()) + ")");
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return Status::InvalidArgument(field + " is not base64");
  size_t pad = 0;
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '=' && pad < 2; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// The entry of `list` (clusters, users, contexts) called `name`, its `inner` map.
Result<YAML::Node> Named(const YAML::Node& root, const char* list, const char* inner, const std::string& name) {
  const YAML::Node l = root[list];
  if (l && !l.IsSequence()) return Status::InvalidArgument(std::string("'") + list + "' is not a list");
  if (l)
    for (const YAML::Node& e : l)
      if (e.IsMap() && e["name"] && e["name"].as<std::string>() == name) {
        if (!e[inner] || !e[inner].IsMap())
          return Status::InvalidArgument(std::string(list) + " entry '" + name + "' has no '" + inner + "' map");
        return e[inner];
      }
  return Status::InvalidArgument(std::string("no ") + inner + " named '" + name + "' in '" + list + "'");
}

std::string Str(const YAML::Node& n, const char* key) { return n[key] && n[key].IsScalar() ? n[key].as<std::string>() : ""; }

}  // namespace

Result<ApiServerConfig> LoadKubeconfig(const std::string& path, const std::string& context_name) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status::NotFound("kubeconfig '" + path + "' cannot be read");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("kubeconfig '" + path + "' is not YAML: " + e.what());
  }
  const std::string where = "kubeconfig '" + path + "': ";
  try {
    if (!root.IsMap()) return Status::InvalidArgument(where + "not a map");
    std::string ctx_name = context_name.empty() ? Str(root, "current-context") : context_name;
    if (ctx_name.empty()) return Status::InvalidArgument(where + "no current-context and none given");
    auto ctx = Named(root, "contexts", "context", ctx_name);
    if (!ctx.ok()) return ctx.status().WithContext("kubeconfig '" + path + "'");
    auto cluster = Named(root, "clusters", "cluster", Str(*ctx, "cluster"));
    if (!cluster.ok()) return cluster.status().WithContext("kubeconfig '" + path + "'");
    const std::string dir = std::filesystem::path(path).parent_path().string();
    auto resolve = [&](const std::string& p) {
      return p.empty() || p.front() == '/' || dir.empty() ? p : dir + "/" + p;
    };
    ApiServerConfig c;
    c.url = Str(*cluster, "server");
    if (c.url.empty()) return Status::InvalidArgument(where + "cluster '" + Str(*ctx, "cluster") + "' has no server");
    if ((*cluster)["insecure-skip-tls-verify"] && (*cluster)["insecure-skip-tls-verify"].as<bool>())
      return Status::Unsupported(where + "insecure-skip-tls-verify is refused: give the cluster's CA instead");
    c.ca_file = resolve(Str(*cluster, "certificate-authority"));
    if (!Str(*cluster, "certificate-authority-data").empty()) {
      auto pem = Base64Decode("certificate-authority-data", Str(*cluster, "certificate-authority-data"));
      if (!pem.ok()) return pem.status().WithContext("kubeconfig '" + path + "'");
      c.ca_pem = *pem;
    }
    const std::string user_name = Str(*ctx, "user");
    if (!user_name.empty()) {
      auto user = Named(root, "users", "user", user_name);
      if (!user.ok()) return user.status().WithContext("kubeconfig '" + path + "'");
      for (const char* unsupported : {"exec", "auth-provider", "username", "password"})
        if ((*user)[unsupported])
          return Status::Unsupported(where + "user '" + user_name + "' uses '" + unsupported +
                                     "', which the agent does not support: use a token, tokenFile or client certificate");
      c.token = Str(*user, "token");
      c.token_file = resolve(Str(*user, "tokenFile"));
      c.client_cert_file = resolve(Str(*user, "client-certificate"));
      c.client_key_file = resolve(Str(*user, "client-key"));
      for (auto [field, out] : {std::pair<const char*, std::string*>{"client-certificate-data", &c.client_cert_pem},
                                {"client-key-data", &c.client_key_pem}}) {
        if (Str(*user, field).empty()) continue;
        auto pem = Base64Decode(field, Str(*user, field));
        if (!pem.ok()) return pem.status().WithContext("kubeconfig '" + path + "'");
        *out = *pem;
      }
    }
    return c;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + e.what());
  }
}

}  // namespace acesniper::kube
