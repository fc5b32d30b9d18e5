// SPDX-License-Identifier: GPL-3.0-or-later
// The accuracy ceiling (label `slow`): the downstream classifier trained on the real Fashion-MNIST
// training split (55,000 after the seeded split; model selection on 10% of it held out) reaches
// >= 90% on the official test split.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "eval/downstream_classifier.h"
#include "eval/eval_data.h"

#include <QtTest>

#include <chrono>

using namespace dpsapf::core;

class TestAccuracyCeiling final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realFashionMnistReachesNinetyPercent();
};

void TestAccuracyCeiling::realFashionMnistReachesNinetyPercent()
{
    torch::set_num_threads(1);
    const auto train = loadImageSet("fashion-mnist:train");
    const auto test = loadImageSet("fashion-mnist:test");
    QVERIFY2(train && test, "the Debian package dataset-fashion-mnist is needed");
    // The run's 55,000 / 5,000 split size; the classifier holds out 10% of what it gets.
    const torch::Tensor images = train->images.slice(0, 0, 55000);
    const torch::Tensor labels = train->labels.slice(0, 0, 55000);
    ClassifierSettings settings;
    settings.epochs = 3;
    const auto start = std::chrono::steady_clock::now();
    const auto result =
        trainAndTestClassifier(images, labels, test->images, test->labels, 10, settings, nullptr,
                               [](const std::string &text) { qInfo("%s", text.c_str()); });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QVERIFY2(result, result ? "" : result.error().message.c_str());
    qInfo("real Fashion-MNIST: test accuracy %.4f (epoch %lld), %.1f s, 1 thread",
          result->testAccuracy, static_cast<long long>(result->selectedEpoch), seconds);
    QVERIFY2(result->testAccuracy >= 0.90, std::to_string(result->testAccuracy).c_str());
}

QTEST_GUILESS_MAIN(TestAccuracyCeiling)
#include "test_accuracy_ceiling.moc"
