package dev.workmesh.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class TaskWorkerApplication {

  public static void main(String[] args) {
    SpringApplication.run(TaskWorkerApplication.class, args);
  }
}
