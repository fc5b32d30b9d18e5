// SPDX-License-Identifier: GPL-3.0-or-later
// Per-record gradients (ghost norms, Li et al. 2021; mixed ghost, Bu et al. 2022; book-keeping,
// Bu et al. 2023) against the oracle of micro-batches of one (per-sample-gradients.md §9).
#include <torch/torch.h> // before any Qt header (Qt's `slots` macro breaks torch; stack.md G1)

#include "privacy/per_sample/dp_functions.h"
#include "privacy/per_sample/per_sample_gradients.h"

#include "test_registry.h"

#include <QtTest>

#include <cmath>
#include <functional>
#include <vector>

using namespace dpsapf::core;
using Strategy = PerSampleGradients::NormStrategy;

namespace {

const std::vector<Strategy> kStrategies{Strategy::Ghost, Strategy::Instantiate, Strategy::Auto};

torch::Tensor parameter(torch::IntArrayRef shape, bool trainable = true)
{
    return torch::randn(shape, torch::kDouble).requires_grad_(trainable);
}

// Per-record loss, summed over the records of `output` (never a mean: per-sample-gradients.md).
torch::Tensor lossOf(const torch::Tensor &output, const torch::Tensor &target)
{
    return (output * target).sum() + 0.25 * output.square().sum();
}

using RecordLoss = std::function<torch::Tensor(std::int64_t record)>;

// The oracle: forward + backward on each record alone, g_i read from .grad.
std::vector<std::vector<torch::Tensor>> oracleGradients(const std::vector<torch::Tensor> &params,
                                                        std::int64_t records,
                                                        const RecordLoss &recordLoss)
{
    std::vector<std::vector<torch::Tensor>> grads;
    for (std::int64_t i = 0; i < records; ++i) {
        for (const auto &p : params) {
            p.mutable_grad() = torch::Tensor();
        }
        recordLoss(i).backward();
        std::vector<torch::Tensor> row;
        for (const auto &p : params) {
            row.push_back(p.grad().defined() ? p.grad().detach().clone() : torch::zeros_like(p));
            p.mutable_grad() = torch::Tensor();
        }
        grads.push_back(row);
    }
    return grads;
}

torch::Tensor oracleSquaredNorms(const std::vector<std::vector<torch::Tensor>> &grads,
                                 std::int64_t layers)
{
    auto norms = torch::zeros({static_cast<std::int64_t>(grads.size()), layers}, torch::kDouble);
    for (std::size_t i = 0; i < grads.size(); ++i) {
        for (std::int64_t k = 0; k < layers; ++k) {
            norms[static_cast<std::int64_t>(i)][k] =
                grads[i][static_cast<std::size_t>(k)].square().sum();
        }
    }
    return norms;
}

// Σ_i clip(g_i) per tensor, with the rules of method.md §4.2 / §6.3.
std::vector<torch::Tensor> oracleClippedSums(const std::vector<std::vector<torch::Tensor>> &grads,
                                             const PerSampleConfig &config, std::size_t layers)
{
    std::vector<torch::Tensor> sums;
    for (std::size_t k = 0; k < layers; ++k) {
        sums.push_back(torch::zeros_like(grads.front()[k]));
    }
    for (const auto &row : grads) {
        double total = 0.0;
        for (const auto &g : row) {
            total += g.square().sum().item<double>();
        }
        for (std::size_t k = 0; k < layers; ++k) {
            double factor = 1.0;
            if (config.mode == ClipMode::Flat) {
                factor = std::min(1.0, config.maxGradNorm / std::sqrt(total));
            } else {
                factor = 1.0 / (row[k].norm().item<double>() + config.stabilizer) /
                         std::sqrt(static_cast<double>(layers));
            }
            sums[k] += factor * row[k];
        }
    }
    return sums;
}

bool close(const torch::Tensor &actual, const torch::Tensor &expected, double rtol)
{
    const double scale = expected.abs().max().item<double>();
    return actual.sizes() == expected.sizes() &&
           torch::allclose(actual.to(torch::kDouble), expected.to(torch::kDouble), rtol,
                           1e-3 * rtol * (scale + 1e-30));
}

QString describe(const torch::Tensor &actual, const torch::Tensor &expected)
{
    const auto a = actual.to(torch::kDouble);
    const auto e = expected.to(torch::kDouble);
    if (a.sizes() != e.sizes()) {
        return QStringLiteral("shape mismatch");
    }
    return QStringLiteral("max |diff| %1, max |expected| %2")
        .arg((a - e).abs().max().item<double>())
        .arg(e.abs().max().item<double>());
}

#define DPSAPF_EXPECT_CLOSE(actual, expected, rtol)                                                \
    QVERIFY2(close((actual), (expected), (rtol)), qPrintable(describe((actual), (expected))))

// Linear(d→h) → GELU → LoRA-Linear(h→p, frozen base) → [B,p,4,4] → Conv2d 3×3 pad 1.
struct SmallModel {
    std::int64_t records = 6;
    std::int64_t positions = 16;
    double scale = 0.75;
    torch::Tensor input = torch::randn({records, positions, 5}, torch::kDouble);
    torch::Tensor target = torch::randn({records, 3, 4, 4}, torch::kDouble);
    torch::Tensor weight1 = parameter({8, 5});
    torch::Tensor bias1 = parameter({8});
    torch::Tensor weight2 = parameter({6, 8}, false);
    torch::Tensor bias2 = parameter({6}, false);
    torch::Tensor loraA = parameter({2, 8});
    torch::Tensor loraB = parameter({6, 2});
    torch::Tensor convWeight = parameter({3, 6, 3, 3});
    torch::Tensor convBias = parameter({3});

    [[nodiscard]] std::vector<torch::Tensor> trainable() const
    {
        return {weight1, bias1, loraA, loraB, convWeight, convBias};
    }

    // recorder == nullptr: the plain ops (oracle); otherwise the DP functions.
    torch::Tensor forward(const torch::Tensor &x, PerSampleGradients *recorder, bool plain) const
    {
        const std::int64_t n = x.size(0);
        auto h = plain ? torch::linear(x, weight1, bias1) : dpLinear(x, weight1, bias1, recorder);
        h = torch::gelu(h);
        h = plain ? torch::linear(h, weight2, bias2) +
                        scale * torch::matmul(torch::matmul(h, loraA.t()), loraB.t())
                  : dpLoraLinear(h, weight2, bias2, loraA, loraB, scale, recorder);
        const auto image = h.transpose(1, 2).reshape({n, 6, 4, 4});
        return plain ? torch::conv2d(image, convWeight, convBias, 1, 1)
                     : dpConv2d(image, convWeight, convBias, {1, 1}, {1, 1}, {1, 1}, 1, recorder);
    }

    [[nodiscard]] std::vector<std::vector<torch::Tensor>> oracle() const
    {
        return oracleGradients(trainable(), records, [this](std::int64_t i) {
            return lossOf(forward(input.narrow(0, i, 1), nullptr, true), target.narrow(0, i, 1));
        });
    }

    // One micro-batch of records [begin, begin + count) through the DP path.
    torch::Tensor runMicroBatch(PerSampleGradients &recorder, std::int64_t begin,
                                std::int64_t count) const
    {
        recorder.beginMicroBatch(count);
        lossOf(forward(input.narrow(0, begin, count), &recorder, false),
               target.narrow(0, begin, count))
            .backward();
        return recorder.endMicroBatch();
    }
};

} // namespace

class TestPerSample final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { torch::manual_seed(20240611); }
    void linearNormsMatchOracle();
    void linearNormsFloat32();
    void conv2dNormsMatchOracle();
    void forcedBranchesAgree();
    void loraGradientsMatchAutograd();
    void reducedPrecisionLoraIsCloseAndBounded();
    void flatClippedSumMatchesOracle();
    void automaticClippedSumMatchesOracle();
    void microBatchesAccumulate();
    void emptyMicroBatchGivesZeroSums();
    void clippedContributionIsBounded();
    void multiplicityConcatenatedAlongPositions();
    void multiplicityRepeatedCalls();
    void embeddingPerRecordGradients();
    void frozenAndGroupedTensors();
};

void TestPerSample::linearNormsMatchOracle()
{
    const std::int64_t records = 5;
    for (const bool sequence : {false, true}) {
        for (const bool withBias : {false, true}) {
            const auto input = sequence ? torch::randn({records, 7, 6}, torch::kDouble)
                                        : torch::randn({records, 6}, torch::kDouble);
            const auto target = sequence ? torch::randn({records, 7, 4}, torch::kDouble)
                                         : torch::randn({records, 4}, torch::kDouble);
            const auto weight = parameter({4, 6});
            const auto bias = withBias ? parameter({4}) : torch::Tensor();
            const std::vector<torch::Tensor> params = withBias
                                                          ? std::vector<torch::Tensor>{weight, bias}
                                                          : std::vector<torch::Tensor>(1, weight);
            const auto grads = oracleGradients(params, records, [&](std::int64_t i) {
                return lossOf(torch::linear(input.narrow(0, i, 1), weight, bias),
                              target.narrow(0, i, 1));
            });
            const auto expected =
                oracleSquaredNorms(grads, static_cast<std::int64_t>(params.size()));
            for (const auto strategy : kStrategies) {
                PerSampleGradients recorder(params, {});
                recorder.setNormStrategy(strategy);
                recorder.beginMicroBatch(records);
                const auto output = dpLinear(input, weight, bias, &recorder);
                QVERIFY(torch::allclose(output, torch::linear(input, weight, bias)));
                lossOf(output, target).backward();
                const auto norms = recorder.endMicroBatch();
                DPSAPF_EXPECT_CLOSE(norms, expected, 1e-10);
                QVERIFY(!weight.grad().defined()); // the gradient is the clipped sum
            }
        }
    }
}

void TestPerSample::linearNormsFloat32()
{
    const std::int64_t records = 4;
    const auto input = torch::randn({records, 9, 8});
    const auto target = torch::randn({records, 9, 5});
    const auto weight = torch::randn({5, 8}).requires_grad_(true);
    const auto bias = torch::randn({5}).requires_grad_(true);
    const auto grads = oracleGradients({weight, bias}, records, [&](std::int64_t i) {
        return lossOf(torch::linear(input.narrow(0, i, 1), weight, bias), target.narrow(0, i, 1));
    });
    const auto expected = oracleSquaredNorms(grads, 2);
    for (const auto strategy : kStrategies) {
        PerSampleGradients recorder({weight, bias}, {});
        recorder.setNormStrategy(strategy);
        recorder.beginMicroBatch(records);
        lossOf(dpLinear(input, weight, bias, &recorder), target).backward();
        const auto norms = recorder.endMicroBatch();
        QCOMPARE(norms.scalar_type(), torch::kFloat);
        DPSAPF_EXPECT_CLOSE(norms, expected, 1e-4);
    }
}

void TestPerSample::conv2dNormsMatchOracle()
{
    struct Geometry {
        std::int64_t kernel, stride, padding, dilation;
    };
    // 3×3 pad 1; the 3×3 stride-2 downsampler; 1×1 (proj_in); dilation 2.
    const std::vector<Geometry> geometries{{3, 1, 1, 1}, {3, 2, 1, 1}, {1, 1, 0, 1}, {3, 1, 2, 2}};
    const std::int64_t records = 3;
    for (const auto &g : geometries) {
        const auto input = torch::randn({records, 3, 8, 8}, torch::kDouble);
        const auto weight = parameter({4, 3, g.kernel, g.kernel});
        const auto bias = parameter({4});
        const auto plain = [&](const torch::Tensor &x) {
            return torch::conv2d(x, weight, bias, g.stride, g.padding, g.dilation);
        };
        const auto target = torch::randn_like(plain(input));
        const auto grads = oracleGradients({weight, bias}, records, [&](std::int64_t i) {
            return lossOf(plain(input.narrow(0, i, 1)), target.narrow(0, i, 1));
        });
        const auto expected = oracleSquaredNorms(grads, 2);
        for (const auto strategy : kStrategies) {
            PerSampleGradients recorder({weight, bias}, {});
            recorder.setNormStrategy(strategy);
            recorder.setKeepPerRecordGradients(true);
            recorder.beginMicroBatch(records);
            const auto output =
                dpConv2d(input, weight, bias, {g.stride, g.stride}, {g.padding, g.padding},
                         {g.dilation, g.dilation}, 1, &recorder);
            QVERIFY(torch::allclose(output, plain(input)));
            lossOf(output, target).backward();
            DPSAPF_EXPECT_CLOSE(recorder.endMicroBatch(), expected, 1e-10);
            for (std::int64_t i = 0; i < records; ++i) {
                DPSAPF_EXPECT_CLOSE(recorder.perRecordGradient(0)[i],
                                    grads[static_cast<std::size_t>(i)][0], 1e-10);
            }
        }
    }
}

void TestPerSample::forcedBranchesAgree()
{
    SmallModel model;
    const PerSampleConfig config{ClipMode::Flat, 5.0, 1e-4};
    std::vector<torch::Tensor> reference;
    for (const auto strategy : kStrategies) {
        PerSampleGradients recorder(model.trainable(), config);
        recorder.setNormStrategy(strategy);
        model.runMicroBatch(recorder, 0, model.records);
        for (int k = 0; k < recorder.tensorCount(); ++k) {
            if (strategy == kStrategies.front()) {
                reference.push_back(recorder.clippedSum(k));
            } else {
                DPSAPF_EXPECT_CLOSE(recorder.clippedSum(k), reference[static_cast<std::size_t>(k)],
                                    1e-10);
            }
        }
    }
}

void TestPerSample::loraGradientsMatchAutograd()
{
    const std::int64_t records = 4;
    const double scale = 1.7;
    const auto input = torch::randn({records, 5, 7}, torch::kDouble).requires_grad_(true);
    const auto target = torch::randn({records, 5, 6}, torch::kDouble);
    const auto weight = parameter({6, 7}, false);
    const auto bias = parameter({6}, false);
    const auto loraA = parameter({3, 7});
    const auto loraB = parameter({6, 3});
    const auto plain = [&](const torch::Tensor &x) {
        return torch::linear(x, weight, bias) +
               scale * torch::matmul(torch::matmul(x, loraA.t()), loraB.t());
    };
    const auto grads = oracleGradients({loraA, loraB}, records, [&](std::int64_t i) {
        return lossOf(plain(input.narrow(0, i, 1)), target.narrow(0, i, 1));
    });
    // Plain batched input gradient, for comparison with the DP backward.
    input.mutable_grad() = torch::Tensor();
    lossOf(plain(input), target).backward();
    const auto expectedInputGrad = input.grad().clone();
    input.mutable_grad() = torch::Tensor();
    loraA.mutable_grad() = torch::Tensor();
    loraB.mutable_grad() = torch::Tensor();

    PerSampleGradients recorder({loraA, loraB}, {});
    recorder.setKeepPerRecordGradients(true);
    recorder.beginMicroBatch(records);
    const auto output = dpLoraLinear(input, weight, bias, loraA, loraB, scale, &recorder);
    DPSAPF_EXPECT_CLOSE(output, plain(input), 1e-12);
    lossOf(output, target).backward();
    const auto norms = recorder.endMicroBatch();
    DPSAPF_EXPECT_CLOSE(norms, oracleSquaredNorms(grads, 2), 1e-10);
    for (std::int64_t i = 0; i < records; ++i) {
        DPSAPF_EXPECT_CLOSE(recorder.perRecordGradient(0)[i], grads[static_cast<std::size_t>(i)][0],
                            1e-10);
        DPSAPF_EXPECT_CLOSE(recorder.perRecordGradient(1)[i], grads[static_cast<std::size_t>(i)][1],
                            1e-10);
    }
    DPSAPF_EXPECT_CLOSE(input.grad(), expectedInputGrad, 1e-10);
    QVERIFY(!loraA.grad().defined() && !loraB.grad().defined());
}

void TestPerSample::reducedPrecisionLoraIsCloseAndBounded()
{
    // bf16 frozen weights and activations with float32 factors (frozen_precision = bf16): the
    // per-record gradients are close to the float64 oracle on the same rounded values, and each
    // record's clipped contribution stays within C.
    const std::int64_t records = 5;
    const double scale = 1.3;
    const double maxGradNorm = 1e-3;
    const auto input = torch::randn({records, 9, 16}).to(torch::kBFloat16);
    const auto weight = torch::randn({12, 16}).to(torch::kBFloat16);
    const auto bias = torch::randn({12}).to(torch::kBFloat16);
    const auto loraA = torch::randn({3, 16}).requires_grad_(true);
    const auto loraB = torch::randn({12, 3}).requires_grad_(true);
    const auto target = torch::randn({records, 9, 12});

    const auto weight64 = weight.to(torch::kDouble);
    const auto bias64 = bias.to(torch::kDouble);
    const auto loraA64 = loraA.detach().to(torch::kDouble).requires_grad_(true);
    const auto loraB64 = loraB.detach().to(torch::kDouble).requires_grad_(true);
    const auto grads = oracleGradients({loraA64, loraB64}, records, [&](std::int64_t i) {
        const auto x = input.narrow(0, i, 1).to(torch::kDouble);
        const auto output = torch::linear(x, weight64, bias64) +
                            scale * torch::matmul(torch::matmul(x, loraA64.t()), loraB64.t());
        return lossOf(output, target.narrow(0, i, 1).to(torch::kDouble));
    });

    PerSampleGradients recorder({loraA, loraB}, {ClipMode::Flat, maxGradNorm, 1e-4});
    recorder.setKeepPerRecordGradients(true);
    recorder.beginMicroBatch(records);
    const auto output = dpLoraLinear(input, weight, bias, loraA, loraB, scale, &recorder);
    QCOMPARE(output.scalar_type(), torch::kBFloat16);
    lossOf(output.to(torch::kFloat), target).backward();
    (void)recorder.endMicroBatch();
    QVERIFY(!loraA.grad().defined() && !loraB.grad().defined());
    QCOMPARE(recorder.clippedSum(0).scalar_type(), torch::kFloat);
    for (std::int64_t i = 0; i < records; ++i) {
        for (int k = 0; k < 2; ++k) {
            const auto &expected = grads[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
            const double error = (recorder.perRecordGradient(k)[i].to(torch::kDouble) - expected)
                                     .abs()
                                     .max()
                                     .item<double>() /
                                 expected.abs().max().item<double>();
            QVERIFY2(error < 3e-2, qPrintable(QString::number(error)));
        }
    }
    for (std::int64_t i = 0; i < records; ++i) {
        PerSampleGradients single({loraA, loraB}, {ClipMode::Flat, maxGradNorm, 1e-4});
        single.beginMicroBatch(1);
        lossOf(dpLoraLinear(input.narrow(0, i, 1), weight, bias, loraA, loraB, scale, &single)
                   .to(torch::kFloat),
               target.narrow(0, i, 1))
            .backward();
        (void)single.endMicroBatch();
        const double norm =
            std::sqrt(single.clippedSum(0).to(torch::kDouble).square().sum().item<double>() +
                      single.clippedSum(1).to(torch::kDouble).square().sum().item<double>());
        QVERIFY2(norm <= maxGradNorm * (1.0 + 1e-6), qPrintable(QString::number(norm, 'g', 17)));
        QVERIFY(norm > 0.5 * maxGradNorm); // clipped, not vanished
    }
}

void TestPerSample::flatClippedSumMatchesOracle()
{
    SmallModel model;
    const auto grads = model.oracle();
    // C at the median record norm: about half of the records are clipped.
    auto totals = oracleSquaredNorms(grads, 6).sum(1).sqrt();
    const PerSampleConfig config{ClipMode::Flat, totals.median().item<double>(), 1e-4};
    const auto expected = oracleClippedSums(grads, config, 6);
    for (const auto strategy : kStrategies) {
        PerSampleGradients recorder(model.trainable(), config);
        recorder.setNormStrategy(strategy);
        const auto norms = model.runMicroBatch(recorder, 0, model.records);
        DPSAPF_EXPECT_CLOSE(norms, oracleSquaredNorms(grads, 6), 1e-10);
        for (int k = 0; k < recorder.tensorCount(); ++k) {
            DPSAPF_EXPECT_CLOSE(recorder.clippedSum(k), expected[static_cast<std::size_t>(k)],
                                1e-8);
        }
    }
    // Norms only (the probe): the same norms, no sums.
    PerSampleConfig normsOnly = config;
    normsOnly.accumulateClippedSums = false;
    PerSampleGradients recorder(model.trainable(), normsOnly);
    DPSAPF_EXPECT_CLOSE(model.runMicroBatch(recorder, 0, model.records),
                        oracleSquaredNorms(grads, 6), 1e-10);
    QVERIFY(torch::equal(recorder.clippedSum(0), torch::zeros_like(model.weight1)));
}

void TestPerSample::automaticClippedSumMatchesOracle()
{
    SmallModel model;
    const auto grads = model.oracle();
    const PerSampleConfig config{ClipMode::AutomaticPerLayer, 1.0, 1e-4};
    const auto expected = oracleClippedSums(grads, config, 6);
    for (const auto strategy : kStrategies) {
        PerSampleGradients recorder(model.trainable(), config);
        recorder.setNormStrategy(strategy);
        model.runMicroBatch(recorder, 0, model.records);
        for (int k = 0; k < recorder.tensorCount(); ++k) {
            DPSAPF_EXPECT_CLOSE(recorder.clippedSum(k), expected[static_cast<std::size_t>(k)],
                                1e-8);
        }
    }
}

void TestPerSample::microBatchesAccumulate()
{
    SmallModel model;
    for (const auto mode : {ClipMode::Flat, ClipMode::AutomaticPerLayer}) {
        const PerSampleConfig config{mode, 3.0, 1e-4};
        PerSampleGradients whole(model.trainable(), config);
        model.runMicroBatch(whole, 0, model.records);
        PerSampleGradients split(model.trainable(), config);
        model.runMicroBatch(split, 0, 4);
        model.runMicroBatch(split, 4, model.records - 4);
        for (int k = 0; k < whole.tensorCount(); ++k) {
            DPSAPF_EXPECT_CLOSE(split.clippedSum(k), whole.clippedSum(k), 1e-10);
        }
        split.resetStep();
        for (int k = 0; k < split.tensorCount(); ++k) {
            QVERIFY(torch::equal(split.clippedSum(k), torch::zeros_like(whole.clippedSum(k))));
        }
    }
}

void TestPerSample::emptyMicroBatchGivesZeroSums()
{
    SmallModel model;
    for (const auto mode : {ClipMode::Flat, ClipMode::AutomaticPerLayer}) {
        PerSampleGradients recorder(model.trainable(), {mode, 1.0, 1e-4});
        const auto norms = model.runMicroBatch(recorder, 0, 0);
        QCOMPARE(norms.size(0), std::int64_t(0));
        QCOMPARE(norms.size(1), std::int64_t(6));
        for (int k = 0; k < recorder.tensorCount(); ++k) {
            const auto sum = recorder.clippedSum(k);
            QVERIFY(sum.sizes() == model.trainable()[static_cast<std::size_t>(k)].sizes());
            QVERIFY(torch::equal(sum, torch::zeros_like(sum)));
        }
        // An empty micro-batch after a full one leaves the sums as they were.
        model.runMicroBatch(recorder, 0, 3);
        std::vector<torch::Tensor> before;
        for (int k = 0; k < recorder.tensorCount(); ++k) {
            before.push_back(recorder.clippedSum(k).clone());
        }
        model.runMicroBatch(recorder, 0, 0);
        for (int k = 0; k < recorder.tensorCount(); ++k) {
            const auto sum = recorder.clippedSum(k);
            QVERIFY(!sum.isnan().any().item<bool>());
            QVERIFY(torch::equal(sum, before[static_cast<std::size_t>(k)]));
        }
    }
}

void TestPerSample::clippedContributionIsBounded()
{
    SmallModel model;
    const double maxGradNorm = 0.1;
    for (const auto mode : {ClipMode::Flat, ClipMode::AutomaticPerLayer}) {
        for (const double inputScale : {1e-6, 1e-2, 1.0, 1e3}) {
            SmallModel scaled = model;
            scaled.input = model.input * inputScale;
            for (std::int64_t i = 0; i < model.records; ++i) {
                PerSampleGradients recorder(scaled.trainable(), {mode, maxGradNorm, 1e-4});
                scaled.runMicroBatch(recorder, i, 1);
                double squared = 0.0;
                for (int k = 0; k < recorder.tensorCount(); ++k) {
                    squared += recorder.clippedSum(k).square().sum().item<double>();
                }
                const double norm = std::sqrt(squared);
                if (mode == ClipMode::Flat) {
                    QVERIFY2(norm <= maxGradNorm * (1.0 + 1e-12),
                             qPrintable(QString::number(norm)));
                } else {
                    QVERIFY2(norm < 1.0, qPrintable(QString::number(norm, 'g', 17)));
                }
            }
        }
    }
}

void TestPerSample::multiplicityConcatenatedAlongPositions()
{
    // K = 3 copies (e.g. augmentations) of each record, concatenated along T: the record's
    // gradient is the sum over copies, and its norm includes the cross terms.
    const std::int64_t records = 4;
    const std::int64_t copies = 3;
    const std::int64_t positions = 2;
    const auto input = torch::randn({records, copies * positions, 6}, torch::kDouble);
    const auto target = torch::randn({records, copies * positions, 5}, torch::kDouble);
    const auto weight = parameter({5, 6});
    const auto bias = parameter({5});
    const auto grads = oracleGradients({weight, bias}, records, [&](std::int64_t i) {
        torch::Tensor loss = torch::zeros({}, torch::kDouble);
        for (std::int64_t k = 0; k < copies; ++k) { // each copy on its own, losses summed
            const auto x = input.narrow(0, i, 1).narrow(1, k * positions, positions);
            const auto t = target.narrow(0, i, 1).narrow(1, k * positions, positions);
            loss = loss + lossOf(torch::linear(x, weight, bias), t);
        }
        return loss;
    });
    const auto expected = oracleSquaredNorms(grads, 2);
    for (const auto strategy : {Strategy::Ghost, Strategy::Instantiate}) {
        PerSampleGradients recorder({weight, bias}, {});
        recorder.setNormStrategy(strategy);
        recorder.beginMicroBatch(records);
        lossOf(dpLinear(input, weight, bias, &recorder), target).backward();
        DPSAPF_EXPECT_CLOSE(recorder.endMicroBatch(), expected, 1e-10);
    }
    // Summing per-copy squared norms (fastDP's micro-batch ghost path) would be wrong.
    PerSampleGradients perCopy({weight, bias}, {});
    perCopy.beginMicroBatch(records * copies);
    lossOf(dpLinear(input.reshape({records * copies, positions, 6}), weight, bias, &perCopy),
           target.reshape({records * copies, positions, 5}))
        .backward();
    const auto summedPerCopy = perCopy.endMicroBatch().reshape({records, copies, 2}).sum(1);
    QVERIFY(!torch::allclose(summedPerCopy, expected, 1e-6));
}

void TestPerSample::multiplicityRepeatedCalls()
{
    // The same weight used by K = 3 separate calls in one graph (one call per copy).
    const std::int64_t records = 5;
    const std::int64_t copies = 3;
    const auto input = torch::randn({copies, records, 4, 6}, torch::kDouble);
    const auto target = torch::randn({copies, records, 4, 3}, torch::kDouble);
    const auto weight = parameter({3, 6});
    const auto bias = parameter({3});
    const auto grads = oracleGradients({weight, bias}, records, [&](std::int64_t i) {
        torch::Tensor loss = torch::zeros({}, torch::kDouble);
        for (std::int64_t k = 0; k < copies; ++k) {
            loss = loss + lossOf(torch::linear(input[k].narrow(0, i, 1), weight, bias),
                                 target[k].narrow(0, i, 1));
        }
        return loss;
    });
    const auto expected = oracleSquaredNorms(grads, 2);
    const PerSampleConfig config{ClipMode::Flat, 2.0, 1e-4};
    const auto expectedSums = oracleClippedSums(grads, config, 2);
    for (const auto strategy : kStrategies) {
        PerSampleGradients recorder({weight, bias}, config);
        recorder.setNormStrategy(strategy);
        recorder.beginMicroBatch(records);
        torch::Tensor loss = torch::zeros({}, torch::kDouble);
        for (std::int64_t k = 0; k < copies; ++k) {
            loss = loss + lossOf(dpLinear(input[k], weight, bias, &recorder), target[k]);
        }
        loss.backward();
        DPSAPF_EXPECT_CLOSE(recorder.endMicroBatch(), expected, 1e-10);
        DPSAPF_EXPECT_CLOSE(recorder.clippedSum(0), expectedSums[0], 1e-8);
        DPSAPF_EXPECT_CLOSE(recorder.clippedSum(1), expectedSums[1], 1e-8);
    }
}

void TestPerSample::embeddingPerRecordGradients()
{
    const std::int64_t records = 4;
    for (const bool sequence : {false, true}) {
        auto indices = sequence ? torch::randint(0, 10, {records, 6}, torch::kLong)
                                : torch::randint(0, 10, {records}, torch::kLong);
        if (sequence) {
            indices.select(1, 3).copy_(indices.select(1, 0)); // repeated tokens in each record
        }
        const auto table = parameter({10, 4});
        const auto weight = parameter({3, 4});
        const auto plain = [&](const torch::Tensor &idx) {
            return torch::linear(torch::embedding(table, idx), weight);
        };
        const auto target = torch::randn_like(plain(indices));
        const auto grads = oracleGradients({table, weight}, records, [&](std::int64_t i) {
            return lossOf(plain(indices.narrow(0, i, 1)), target.narrow(0, i, 1));
        });
        const PerSampleConfig config{ClipMode::AutomaticPerLayer, 1.0, 1e-4};
        const auto expectedSums = oracleClippedSums(grads, config, 2);
        for (const auto strategy : kStrategies) {
            PerSampleGradients recorder({table, weight}, config);
            recorder.setNormStrategy(strategy);
            recorder.setKeepPerRecordGradients(true);
            recorder.beginMicroBatch(records);
            const auto embedded = dpEmbedding(indices, table, &recorder);
            QVERIFY(torch::equal(embedded, torch::embedding(table, indices)));
            lossOf(dpLinear(embedded, weight, torch::Tensor(), &recorder), target).backward();
            DPSAPF_EXPECT_CLOSE(recorder.endMicroBatch(), oracleSquaredNorms(grads, 2), 1e-10);
            for (std::int64_t i = 0; i < records; ++i) {
                DPSAPF_EXPECT_CLOSE(recorder.perRecordGradient(0)[i],
                                    grads[static_cast<std::size_t>(i)][0], 1e-10);
            }
            DPSAPF_EXPECT_CLOSE(recorder.clippedSum(0), expectedSums[0], 1e-8);
            DPSAPF_EXPECT_CLOSE(recorder.clippedSum(1), expectedSums[1], 1e-8);
        }
    }
}

void TestPerSample::frozenAndGroupedTensors()
{
    const std::int64_t records = 3;
    const auto input = torch::randn({records, 4, 6, 6}, torch::kDouble);
    const auto weight = parameter({4, 2, 3, 3}); // groups = 2
    const auto bias = parameter({4});
    // A registered grouped weight is rejected up front.
    {
        PerSampleGradients recorder({weight, bias}, {});
        bool threw = false;
        try {
            (void)dpConv2d(input, weight, bias, {1, 1}, {1, 1}, {1, 1}, 2, &recorder);
        } catch (const c10::Error &) {
            threw = true;
        }
        QVERIFY(threw);
    }
    // Frozen (unregistered) grouped weight, registered bias: the bias is exact; the weight gets
    // an undefined gradient even though it requires grad.
    const auto plain = torch::conv2d(input, weight, bias, 1, 1, 1, 2);
    const auto target = torch::randn_like(plain);
    const auto grads = oracleGradients({bias}, records, [&](std::int64_t i) {
        return lossOf(torch::conv2d(input.narrow(0, i, 1), weight, bias, 1, 1, 1, 2),
                      target.narrow(0, i, 1));
    });
    weight.mutable_grad() = torch::Tensor();
    PerSampleGradients recorder({bias}, {});
    recorder.beginMicroBatch(records);
    const auto output = dpConv2d(input, weight, bias, {1, 1}, {1, 1}, {1, 1}, 2, &recorder);
    QVERIFY(torch::allclose(output, plain));
    lossOf(output, target).backward();
    DPSAPF_EXPECT_CLOSE(recorder.endMicroBatch(), oracleSquaredNorms(grads, 1), 1e-10);
    QVERIFY(!weight.grad().defined());
    QCOMPARE(recorder.indexOf(weight), -1);
    QCOMPARE(recorder.indexOf(bias), 0);
    // Without a recorder the DP functions are the plain ops with ordinary autograd.
    lossOf(dpLinear(input.flatten(1), torch::ones({2, 144}, torch::kDouble), bias.narrow(0, 0, 2),
                    nullptr),
           torch::ones({records, 2}, torch::kDouble))
        .backward();
    QVERIFY(bias.grad().defined());
}

DPSAPF_REGISTER_TEST(TestPerSample)
#include "test_per_sample.moc"
