c++ -std=c++17 -I single_include main.cpp -pthread -o app
