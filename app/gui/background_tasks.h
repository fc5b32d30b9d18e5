// SPDX-License-Identifier: GPL-3.0-or-later
// Short jobs off the GUI thread (style.md §2): work runs on Qt's thread pool and its result comes
// back to a callback on the GUI thread through a QFutureWatcher. Counts what is in flight so tests
// and --screenshot can wait for it.
#pragma once

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QObject>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <utility>

namespace dpsapf::app {

class BackgroundTasks final : public QObject
{
public:
    using QObject::QObject;

    template <typename Result, typename Work>
    void run(Work work, std::function<void(const Result &)> done)
    {
        auto *watcher = new QFutureWatcher<Result>(this);
        ++m_pending;
        connect(watcher, &QFutureWatcher<Result>::finished, this,
                [this, watcher, done = std::move(done)] {
                    --m_pending;
                    done(watcher->result());
                    watcher->deleteLater();
                });
        watcher->setFuture(QtConcurrent::run(std::move(work)));
    }

    [[nodiscard]] int pending() const { return m_pending; }

    // Processes events until nothing is in flight and `alsoWaitWhile` is false.
    void waitForAll(const std::function<bool()> &alsoWaitWhile = {})
    {
        while (m_pending > 0 || (alsoWaitWhile && alsoWaitWhile())) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            QThread::msleep(5);
        }
    }

private:
    int m_pending = 0;
};

} // namespace dpsapf::app
