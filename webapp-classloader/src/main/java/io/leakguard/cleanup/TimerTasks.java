package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import io.leakguard.sites.CreationSites;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TimerTask;
import java.util.stream.Collectors;

/**
 * {@link java.util.Timer} tasks of the dying web application: instances of its classes, or library tasks (a pool's
 * evictor) that reach its objects; a task that reaches it through another application's object is that application's,
 * and is only reported. One timer thread runs every task scheduled on it, and a library's static timer
 * serves every web application, so only the application's own tasks are cancelled and purged; the timer itself is
 * cancelled only when every task in it is an instance of the application's classes. A library task that merely
 * reaches the application says nothing about who owns the timer, and a library's timer cancelled under it would
 * refuse every later {@code schedule} of every other application with "Timer already cancelled".
 *
 * <p>A timer thread keeps no reference to its Timer (only the Timer's Cleaner registration knows both, and it holds the
 * Timer phantom-reachably), so the fix works on the thread's queue under the queue's monitor, as {@code Timer.purge()}
 * and {@code Timer.cancel()} do.
 * A timer thread created while the application's code ran also has it as context class loader and, up to JDK 23,
 * in its inherited access control context; both are reset, and always on a thread whose timer is cancelled here:
 * such a thread stays referenced from the Timer's Cleaner registration after it ends, so anything it still holds
 * would keep the application's loader, and with it the Timer, reachable for good.
 */
final class TimerTasks implements LeakCheck {

    private static final String TIMER_THREAD = "java.util.TimerThread";
    private static final String TASK_QUEUE = "java.util.TaskQueue";
    private static final String TIMER_TASK = "java.util.TimerTask";
    private static final InternalField QUEUE = JdkInternals.field(TIMER_THREAD, "queue");
    private static final InternalField NEW_TASKS_MAY_BE_SCHEDULED =
            JdkInternals.field(TIMER_THREAD, "newTasksMayBeScheduled");
    private static final InternalMethod SIZE = JdkInternals.method(TASK_QUEUE, "size");
    private static final InternalMethod GET = JdkInternals.method(TASK_QUEUE, "get", int.class);
    private static final InternalMethod QUICK_REMOVE = JdkInternals.method(TASK_QUEUE, "quickRemove", int.class);
    private static final InternalMethod HEAPIFY = JdkInternals.method(TASK_QUEUE, "heapify");
    private static final InternalMethod CLEAR = JdkInternals.method(TASK_QUEUE, "clear");
    private static final InternalField TASK_LOCK = JdkInternals.field(TIMER_TASK, "lock");
    private static final InternalField TASK_STATE = JdkInternals.field(TIMER_TASK, "state");
    private static final InternalField SCHEDULED = JdkInternals.field(TIMER_TASK, "SCHEDULED");
    private static final InternalField CANCELLED = JdkInternals.field(TIMER_TASK, "CANCELLED");

    /** A task of the web application, with the links by which it reaches it: none when it is one of its classes. */
    private record WebappTask(TimerTask task, List<String> chain) {
    }

    private static final String ANOTHER_APPLICATIONS = "another application's task leads to this application, and"
            + " cancelling it would stop that application's work; left in place";

    @Override
    public String id() {
        return "timers";
    }

    @Override
    public String kind() {
        return "Timer";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        List<Internal> needs = new ArrayList<>(
                List.of(QUEUE, NEW_TASKS_MAY_BE_SCHEDULED, SIZE, GET, QUICK_REMOVE, HEAPIFY, CLEAR, TASK_LOCK,
                        TASK_STATE, SCHEDULED, CANCELLED));
        needs.addAll(InheritedAccessControl.needs());
        return needs;
    }

    @Override
    public void run(Scan scan) {
        for (Thread thread : LiveThreads.all()) {
            if (thread.getClass().getName().equals(TIMER_THREAD)) {
                inspect(thread, scan);
            }
            if (scan.expired()) {
                scan.leak("timer threads after [" + thread.getName() + "] were not inspected")
                        .skipped("the check used its " + scan.policy().checkBudget().toMillis() + " ms budget");
                break;
            }
        }
    }

    private static void inspect(Thread thread, Scan scan) {
        Object queue = QUEUE.get(thread);
        List<TimerTask> scheduled = scheduled(queue);
        Reach reach = scan.reach();
        Ownership ownership = scan.ownership();
        List<WebappTask> webappTasks = new ArrayList<>();
        for (TimerTask task : scheduled) {
            Optional<Reach.Chain> chain = reach.chain(task);
            if (chain.isPresent() && ownership.isAnotherApplications(task, chain.get())) {
                taskLeak(scan, new WebappTask(task, chain.get().links()), thread).warned(ANOTHER_APPLICATIONS);
            } else {
                chain.ifPresent(found -> webappTasks.add(new WebappTask(task, found.links())));
            }
        }
        boolean contextLoader = ownership.owns(thread.getContextClassLoader());
        String timer = timer(thread);
        List<String> threads = List.of(thread.getName());
        if (webappTasks.isEmpty()) {
            if (contextLoader) {
                Scan.Leak leak = scan.leak(timer + " has the web application as its thread's context class loader"
                        + " and runs none of its tasks").onThreads(threads).createdAt(CreationSites.of(thread));
                if (scan.fixing()) {
                    leak.fixed("no task cancelled" + release(thread, ownership));
                } else {
                    leak.warned(scan.policyReason());
                }
            }
            return;
        }
        if (!scan.fixing()) {
            for (WebappTask webappTask : webappTasks) {
                taskLeak(scan, webappTask, thread).warned(scan.policyReason());
            }
            return;
        }
        Optional<String> released = scheduled.stream().allMatch(ownership::ownsObject)
                ? cancelTimer(thread, queue, scheduled, ownership)
                : Optional.empty();
        if (released.isPresent()) {
            scan.leak(timer + " runs only tasks of the web application: "
                    + scheduled.stream().map(TimerTasks::scheduledAt).collect(Collectors.joining(", ")))
                    .onThreads(threads).createdAt(CreationSites.of(thread))
                    .fixed("timer cancelled as Timer.cancel() does, so its thread ends" + released.get());
            return;
        }
        cancelTasks(thread, queue, webappTasks, contextLoader, scan);
    }

    /** Cancels and purges the web application's tasks only; the timer keeps running for everyone else's. */
    private static void cancelTasks(Thread thread, Object queue, List<WebappTask> webappTasks, boolean contextLoader,
            Scan scan) {
        String timer = timer(thread);
        Set<TimerTask> tasks = identitySet(webappTasks.stream().map(WebappTask::task).toList());
        List<String> done = new ArrayList<>();
        for (WebappTask webappTask : webappTasks) {
            done.add(cancel(webappTask.task())
                    ? "task cancelled and purged"
                    : "task was cancelled but never purged; purged");
        }
        int others = purge(queue, tasks);
        String after = (others > 0
                ? "; " + timer + " keeps running for its other " + others + " task(s)"
                : "; " + timer + " keeps running, idle, for whoever schedules on it next")
                + (contextLoader ? release(thread, scan.ownership()) : "");
        for (int i = 0; i < webappTasks.size(); i++) {
            taskLeak(scan, webappTasks.get(i), thread).fixed(done.get(i) + after);
        }
    }

    private static Scan.Leak taskLeak(Scan scan, WebappTask webappTask, Thread thread) {
        return scan.leak("TimerTask " + Describe.object(webappTask.task()) + " scheduled on " + timer(thread))
                .via(webappTask.chain()).onThreads(List.of(thread.getName()))
                .createdAt(CreationSites.of(webappTask.task()));
    }

    /** The task, and where it was scheduled when instrumented code told: the timer's own site is its thread's. */
    private static String scheduledAt(TimerTask task) {
        String site = CreationSites.of(task);
        return Describe.object(task) + (site == null ? "" : " scheduled at " + site);
    }

    private static String timer(Thread thread) {
        return "timer [" + thread.getName() + "]";
    }

    private static List<TimerTask> scheduled(Object queue) {
        synchronized (queue) {
            int size = (int) SIZE.invoke(queue);
            List<TimerTask> tasks = new ArrayList<>(size);
            // TaskQueue is a binary heap numbered from 1.
            for (int i = 1; i <= size; i++) {
                tasks.add((TimerTask) GET.invoke(queue, i));
            }
            return tasks;
        }
    }

    /**
     * TimerTask.cancel() as the JDK has it. A task's override is the application's code, which by now may fail on what
     * its contextDestroyed closed, or block, and would keep the other tasks scheduled.
     */
    private static boolean cancel(TimerTask task) {
        synchronized (TASK_LOCK.get(task)) {
            boolean scheduled = TASK_STATE.get(task).equals(SCHEDULED.get(null));
            TASK_STATE.set(task, CANCELLED.get(null));
            return scheduled;
        }
    }

    /** Timer.purge() for the given tasks only; returns how many tasks the queue still holds. */
    private static int purge(Object queue, Set<TimerTask> tasks) {
        synchronized (queue) {
            int removed = 0;
            // From the end down, so the task quickRemove moves into a freed slot has already been looked at.
            for (int i = (int) SIZE.invoke(queue); i > 0; i--) {
                if (tasks.contains(GET.invoke(queue, i))) {
                    QUICK_REMOVE.invoke(queue, i);
                    removed++;
                }
            }
            if (removed > 0) {
                HEAPIFY.invoke(queue);
            }
            return (int) SIZE.invoke(queue);
        }
    }

    /**
     * Timer.cancel() through the thread's queue, provided the queue still holds exactly the tasks that were judged:
     * one scheduled since then by someone else means the timer is no longer the web application's alone. Returns
     * what {@link #release} did, or empty when the timer was left running.
     */
    private static Optional<String> cancelTimer(Thread thread, Object queue, List<TimerTask> judged,
            Ownership ownership) {
        Set<TimerTask> known = identitySet(judged);
        synchronized (queue) {
            List<TimerTask> now = scheduled(queue);
            if (now.size() != judged.size() || !known.containsAll(now)) {
                return Optional.empty();
            }
            // Before the thread can end (it needs this monitor to), as ending clears part of what the message reports.
            String released = release(thread, ownership);
            NEW_TASKS_MAY_BE_SCHEDULED.set(thread, false);
            CLEAR.invoke(queue);
            queue.notify();
            return Optional.of(released);
        }
    }

    /** Tasks by identity: a web application's TimerTask may override equals and hashCode, which no check may run. */
    private static Set<TimerTask> identitySet(List<TimerTask> tasks) {
        Set<TimerTask> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(tasks);
        return set;
    }

    /**
     * Undoes what the thread took from the web application when it was created; says what that was, as the end of a
     * message, or nothing.
     */
    private static String release(Thread thread, Ownership ownership) {
        List<String> done = new ArrayList<>();
        if (ownership.owns(thread.getContextClassLoader())) {
            thread.setContextClassLoader(ownership.replacement());
            done.add("context class loader reset to the parent loader");
        }
        if (InheritedAccessControl.clear(thread)) {
            done.add("inherited access control context emptied");
        }
        return done.isEmpty() ? "" : "; its thread's " + String.join(" and ", done);
    }
}
