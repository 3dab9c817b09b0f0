// Clopper-Pearson intervals against independent references.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/interval.hpp"
#include "wavelearn/eval/json.hpp"

using namespace wl::eval;

namespace {

struct CpCase {
  std::size_t k, n;
  double confidence, lo, hi;
};

// Computed with Debian's SciPy 1.10.1 (an implementation independent of Boost.Math):
//   /usr/bin/python3 -c 'from scipy.stats import beta; a = 1 - conf;
//     lo = 0 if k == 0 else beta.ppf(a/2, k, n-k+1);
//     hi = 1 if k == n else beta.ppf(1-a/2, k+1, n-k)'
const std::vector<CpCase> kScipy = {
    {0, 1, 0.95, 0.0, 0.975},
    {1, 1, 0.95, 0.025000000000000022, 1.0},
    {0, 10, 0.95, 0.0, 0.3084971078187608},
    {10, 10, 0.95, 0.6915028921812392, 1.0},
    {3, 10, 0.95, 0.0667395111777345, 0.6524528500599973},
    {1, 2, 0.95, 0.01257911709342506, 0.9874208829065749},
    {5, 20, 0.95, 0.08657146910143462, 0.49104587170795744},
    {7, 13, 0.95, 0.25134548227030357, 0.807767558198712},
    {0, 3, 0.95, 0.0, 0.7075982261787133},
    {3, 3, 0.95, 0.29240177382128674, 1.0},
    {50, 100, 0.95, 0.39832112950330106, 0.6016788704966989},
    {1, 1000, 0.95, 2.531748749129407e-05, 0.005558924279826672},
    {999, 1000, 0.95, 0.9944410757201734, 0.9999746825125088},
    {12345, 1000000, 0.95, 0.012129493825606208, 0.012563337660712827},
    {500000, 1000000, 0.95, 0.49901951919531184, 0.5009804808046882},
    {0, 1000000, 0.95, 0.0, 3.6888726502064885e-06},
    {1000000, 1000000, 0.95, 0.9999963111273498, 1.0},
    {2, 7, 0.95, 0.036692566176085566, 0.7095791362626572},
    {17, 250, 0.95, 0.04010849491537101, 0.10664383604137127},
    {3, 10, 0.68, 0.14221327623876304, 0.5074024357954143},
    {1, 1000, 0.68, 0.00017433818847629925, 0.003284763375658259},
    {12345, 1000000, 0.68, 0.012235177451390317, 0.01245579506396722},
    {17, 250, 0.68, 0.05207213465226451, 0.08778069574299982},
    {3, 10, 0.99, 0.03700722109623209, 0.7351139852871307},
    {1, 1000, 0.99, 5.01252926077751e-06, 0.007406286938352937},
    {500000, 1000000, 0.99, 0.4987115878088739, 0.5012884121911261},
    {0, 1000000, 0.99, 0.0, 5.298303330489367e-06},
    {17, 250, 0.99, 0.033528754688472606, 0.1197721120165506},
};

// Relative agreement (absolute near 0): both libraries are accurate to ~1e-15 relative.
void expect_close(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 1e-10 * std::max(std::fabs(want), 1e-300) + 1e-300) << what;
}

}  // namespace

TEST(ClopperPearson, MatchesScipyBetaQuantiles) {
  for (const auto& c : kScipy) {
    const auto p = clopper_pearson(c.k, c.n, c.confidence);
    const std::string what =
        std::to_string(c.k) + "/" + std::to_string(c.n) + " at " + std::to_string(c.confidence);
    expect_close(p.lo, c.lo, what + " lo");
    expect_close(p.hi, c.hi, what + " hi");
    EXPECT_DOUBLE_EQ(p.value, static_cast<double>(c.k) / static_cast<double>(c.n)) << what;
    EXPECT_EQ(p.k, c.k);
    EXPECT_EQ(p.n, c.n);
    EXPECT_DOUBLE_EQ(p.confidence, c.confidence);
  }
}

TEST(ClopperPearson, MatchesRBinomTest) {
  // R: binom.test(3, 10)$conf.int and binom.test(5, 20)$conf.int (printed to 8 digits).
  auto p = clopper_pearson(3, 10);
  EXPECT_NEAR(p.lo, 0.06673951, 5e-9);
  EXPECT_NEAR(p.hi, 0.65245285, 5e-9);
  p = clopper_pearson(5, 20);
  EXPECT_NEAR(p.lo, 0.08657147, 5e-9);
  EXPECT_NEAR(p.hi, 0.49104587, 5e-9);
}

TEST(ClopperPearson, EdgesHaveClosedForms) {
  // k = 0: hi = 1 - (alpha/2)^(1/n); k = n: lo = (alpha/2)^(1/n) (the "rule of three" family).
  for (std::size_t n : {1u, 2u, 3u, 10u, 1000u, 1000000u}) {
    const double edge = std::pow(0.025, 1.0 / static_cast<double>(n));
    const auto none = clopper_pearson(0, n);
    EXPECT_EQ(none.lo, 0.0);
    EXPECT_EQ(none.value, 0.0);
    EXPECT_NEAR(none.hi, 1.0 - edge, 1e-12) << n;
    const auto all = clopper_pearson(n, n);
    EXPECT_EQ(all.hi, 1.0);
    EXPECT_EQ(all.value, 1.0);
    EXPECT_NEAR(all.lo, edge, 1e-12) << n;
  }
  // 3 of 3 rejected is "100 %" with a 95 % lower bound of 29 %.
  EXPECT_NEAR(clopper_pearson(3, 3).lo, 0.2924, 1e-4);
}

TEST(ClopperPearson, NothingMeasuredIsNaN) {
  const auto p = clopper_pearson(0, 0);
  EXPECT_EQ(p.n, 0u);
  EXPECT_TRUE(std::isnan(p.value));
  EXPECT_TRUE(std::isnan(p.lo));
  EXPECT_TRUE(std::isnan(p.hi));
  const Proportion dflt;
  EXPECT_TRUE(std::isnan(dflt.value));
}

TEST(ClopperPearson, BadInputThrows) {
  EXPECT_THROW(clopper_pearson(4, 3), wl::core::InputError);
  EXPECT_THROW(clopper_pearson(1, 3, 0.0), wl::core::InputError);
  EXPECT_THROW(clopper_pearson(1, 3, 1.0), wl::core::InputError);
  EXPECT_THROW(clopper_pearson(1, 3, std::nan("")), wl::core::InputError);
}

TEST(ClopperPearson, IntervalIsOrderedAndContainsValue) {
  for (std::size_t n : {1u, 2u, 5u, 37u, 1000u}) {
    for (std::size_t k = 0; k <= n; k += std::max<std::size_t>(1, n / 7)) {
      for (double c : {0.5, 0.9, 0.95, 0.999}) {
        const auto p = clopper_pearson(k, n, c);
        EXPECT_LE(0.0, p.lo);
        EXPECT_LE(p.lo, p.value);
        EXPECT_LE(p.value, p.hi);
        EXPECT_LE(p.hi, 1.0);
      }
    }
  }
}

TEST(ClopperPearson, Json) {
  const nlohmann::json j = clopper_pearson(3, 10);
  EXPECT_DOUBLE_EQ(j["value"].get<double>(), 0.3);
  ASSERT_EQ(j["ci95"].size(), 2u);
  EXPECT_NEAR(j["ci95"][0].get<double>(), 0.06673951, 5e-9);
  EXPECT_NEAR(j["ci95"][1].get<double>(), 0.65245285, 5e-9);
  EXPECT_EQ(j["n"].get<std::size_t>(), 10u);
  EXPECT_EQ(j["k"].get<std::size_t>(), 3u);
  const nlohmann::json empty = clopper_pearson(0, 0);
  EXPECT_TRUE(empty["value"].is_null());
  EXPECT_TRUE(empty["ci95"][0].is_null());
  EXPECT_TRUE(empty["ci95"][1].is_null());
  EXPECT_EQ(empty["n"].get<std::size_t>(), 0u);
}
